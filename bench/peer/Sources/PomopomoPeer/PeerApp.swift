import Domain
import Foundation
import Hummingbird
import Logging
import Mustache
import PostgresNIO

/// The bench peer: `GET /r/:code` as a Hummingbird 2 app, reading the room with PostgresNIO from the
/// bench's PostgreSQL and rendering the app's own Templates/ with swift-mustache. bench/run.sh starts it
/// behind the same nginx as the app (an HTTP upstream with keep-alive). Settings come from the environment:
///   PEER_LISTEN             where it listens for nginx (default 127.0.0.1:18590)
///   POMOPOMO_DATABASE_URL   the app's libpq keywords (host= a socket directory or a host, port=, dbname=, user=)
///   PEER_DB_POOL            PostgreSQL connections at most (default 8)
///   PEER_TEMPLATES          the templates directory (default Templates)
///   PEER_BASE_URL           the share link's base (default POMOPOMO_BASE_URL)
///   PEER_ASSET_VERSION      the ?v= of the stylesheet and scripts (the app's fingerprint of Public/)
@main
enum PeerApp {
    static let logger: Logger = {
        var logger = Logger(label: "pomopomo-peer")
        logger.logLevel = .warning
        return logger
    }()

    static func main() async throws {
        let env = ProcessInfo.processInfo.environment
        let listen = env["PEER_LISTEN"] ?? "127.0.0.1:18590"
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            fatalError("PEER_LISTEN must be HOST:PORT, not \(listen)")
        }
        let templates = try await MustacheLibrary(directory: env["PEER_TEMPLATES"] ?? "Templates")
        guard templates.getTemplate(named: "room") != nil, templates.getTemplate(named: "layout") != nil else {
            fatalError("no room.mustache and layout.mustache in \(env["PEER_TEMPLATES"] ?? "Templates")")
        }
        let client = PostgresClient(
            configuration: try database(env["POMOPOMO_DATABASE_URL"] ?? "", pool: Int(env["PEER_DB_POOL"] ?? "") ?? 8),
            backgroundLogger: logger)
        let baseURL = env["PEER_BASE_URL"] ?? env["POMOPOMO_BASE_URL"] ?? "http://\(listen)"
        let assetVersion = env["PEER_ASSET_VERSION"] ?? ""
        // No sessions here: every form gets the same token, as long as the app's (43 characters).
        let csrf = String((0..<43).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".randomElement()! })

        let router = Router()
        router.get("/r/:code") { request, context -> Response in
            guard let code = RoomCode(parsing: try context.parameters.require("code")),
                let rows = try await RoomRows.load(code, cookie: request.cookies["pp_sid"]?.value ?? "", client: client)
            else {
                return Response(
                    status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "no such room\n")))
            }
            let html = RoomPage(rows: rows, csrf: csrf, baseURL: baseURL, assetVersion: assetVersion, templates: templates).render()
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(String(listen[..<colon]), port: port), serverName: nil),
            services: [client],
            logger: logger)
        try await app.runService()
    }

    /// libpq's keyword=value connection string, as the app's POMOPOMO_DATABASE_URL has it.
    static func database(_ keywords: String, pool: Int) throws -> PostgresClient.Configuration {
        var values: [String: String] = [:]
        for pair in keywords.split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        let host = values["host"] ?? "/var/run/postgresql"
        let port = Int(values["port"] ?? "") ?? 5432
        let user = values["user"] ?? "pomopomo"
        let name = values["dbname"] ?? "pomopomo"
        var config =
            host.hasPrefix("/")
            ? PostgresClient.Configuration(unixSocketPath: "\(host)/.s.PGSQL.\(port)", username: user, password: values["password"], database: name)
            : PostgresClient.Configuration(host: host, port: port, username: user, password: values["password"], database: name, tls: .disable)
        config.options.maximumConnections = pool
        return config
    }
}
