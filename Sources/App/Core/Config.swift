import Curl
import Foundation
import Redis
import Sodium

/// Everything the responder reads from its environment (documented in README.md).
public struct Config: Sendable {
    public var databaseURL: String
    /// POMOPOMO_REDIS, or the Sentinels and master name of POMOPOMO_REDIS_SENTINELS and
    /// POMOPOMO_REDIS_MASTER; nil: no Redis.
    public var redis: RedisEndpoint?
    public var socket: String
    public var templatesDirectory: String
    public var publicDirectory: String
    public var secret: String
    public var baseURL: String
    public var threads: Int
    public var databasePoolSize: Int
    public var pollHoldSeconds: Double
    public var maxBodyBytes: Int
    public var roomLifetimeHours: Int
    /// How often `serve` folds expired rooms into the statistics (one responder at a time).
    public var cleanIntervalSeconds: Int
    public var logLevel: String
    /// Outgoing mail; nil writes every message to the log instead (for `make run`).
    public var smtp: Curl.SMTPServer?
    public var mailFrom: String
    public var oauth: [OAuthProvider]
    /// The music catalogue's Piped instance; nil: the catalogue is off.
    public var catalogue: CatalogueSettings?
    /// Where avatars are kept: outside Public/, served by the responder with safe headers.
    public var uploadsDirectory: String
    /// One common password per line (john-data's list by default), refused at sign-up.
    public var commonPasswordsFile: String
    /// Argon2id hashes that may run at once in this process, and how many more may wait for a
    /// slot; past that a request is told to retry (see PasswordWork).
    public var hashSlots: Int
    public var hashQueue: Int
    /// Argon2id hashes that may start per second in this process.
    public var hashesPerSecond: Int
    /// Without SMTP, outgoing mail (links included) is written to the log, but only when asked
    /// for with POMOPOMO_MAIL_LOG=1 (development); otherwise it waits in the outbox.
    public var mailLog: Bool
    /// Personal timers' reset events (the audit trail of today's count) are deleted this many
    /// days after they were recorded.
    public var resetEventRetentionDays: Int
    /// Per-address and per-account limits on rooms, joins, proposals, code guesses, profiles, polls.
    public var rateLimits: RateLimits
    /// Threads in each responder that take uploads (voice notes: read, check, ffprobe, store),
    /// and how many more uploads may wait for one; past that an upload is told to retry (503).
    /// Uploads never hold the threads that answer pages.
    public var uploadWorkers: Int
    public var uploadQueue: Int
    /// Debian's ffprobe (package ffmpeg), which reads every voice note before it is kept.
    public var ffprobe: String
    /// Voice notes' speech-to-text (engine, time limit, attempts, on or off in this responder).
    public var transcription: TranscriptionSettings
    /// SHA-256 of POMOPOMO_METRICS_TOKEN: a scraper that sends it may read `/metrics` from
    /// anywhere; without it only clients on this host may. nil: no token.
    public var metricsTokenDigest: [UInt8]?
    /// Where `backup` and `restore` find pg_dump and pg_restore (POMOPOMO_PG_BIN).
    public var postgresBin: String
    /// POMOPOMO_TOTP_KEY: the 32-byte key admins' two-factor secrets are sealed with (and recovery
    /// codes keyed by); nil when unset, and then admin pages stay shut (`TwoFactorKeys`).
    public var totpKey: [UInt8]?

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Config {
        func int(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
            guard let text = env[key], !text.isEmpty else { return fallback }
            guard let value = Int(text), range.contains(value) else {
                throw Problem(description: "\(key) must be a whole number in \(range.lowerBound)...\(range.upperBound), got “\(text)”")
            }
            return value
        }
        guard let database = env["POMOPOMO_DATABASE_URL"], !database.isEmpty else {
            throw Problem(description: "POMOPOMO_DATABASE_URL is not set (a libpq conninfo, e.g. \"host=/run/postgresql dbname=pomopomo\")")
        }
        let redis = try redisEndpoint(env)
        let secret = env["POMOPOMO_SECRET"] ?? ""
        guard secret.utf8.count >= 32 else {
            throw Problem(description: "POMOPOMO_SECRET must be at least 32 characters of random text")
        }
        let threads = try int("POMOPOMO_THREADS", 8, 1...256)
        let baseURL = env["POMOPOMO_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://127.0.0.1:8080"
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw Problem(description: "POMOPOMO_BASE_URL must start with http:// or https://")
        }
        let mailLog = env["POMOPOMO_MAIL_LOG"] == "1"
        if mailLog && baseURL.hasPrefix("https://") {
            throw Problem(
                description:
                    "POMOPOMO_MAIL_LOG=1 writes sign-in links to the log; it is for development and refused with an https:// POMOPOMO_BASE_URL")
        }
        // A connect timeout keeps a dead database from holding request threads for minutes.
        let conninfo = database.contains("connect_timeout") ? database : database + " connect_timeout=3"
        return Config(
            databaseURL: conninfo,
            redis: redis,
            socket: env["POMOPOMO_SOCKET"].flatMap { $0.isEmpty ? nil : $0 } ?? "/run/pomopomo/pomopomo.sock",
            templatesDirectory: env["POMOPOMO_TEMPLATES"].flatMap { $0.isEmpty ? nil : $0 } ?? "Templates",
            publicDirectory: env["POMOPOMO_PUBLIC"].flatMap { $0.isEmpty ? nil : $0 } ?? "Public",
            secret: secret,
            baseURL: String(baseURL.reversed().drop(while: { $0 == "/" }).reversed()),
            threads: threads,
            databasePoolSize: try int("POMOPOMO_DB_POOL", threads + 2, 1...256),
            pollHoldSeconds: Double(try int("POMOPOMO_POLL_HOLD", 25, 1...120)),
            maxBodyBytes: try int("POMOPOMO_MAX_BODY", 2 << 20, 1024...(64 << 20)),
            roomLifetimeHours: try int("POMOPOMO_ROOM_HOURS", 72, 1...(24 * 365)),
            cleanIntervalSeconds: try int("POMOPOMO_CLEAN_SECONDS", 300, 10...86_400),
            logLevel: env["POMOPOMO_LOG_LEVEL"] ?? "info",
            smtp: try smtpServer(env, int),
            mailFrom: env["POMOPOMO_MAIL_FROM"].flatMap { $0.isEmpty ? nil : $0 } ?? "pomopomo@localhost",
            oauth: try OAuthProvider.configured(env),
            catalogue: try CatalogueSettings.configured(env, int),
            uploadsDirectory: env["POMOPOMO_UPLOADS"].flatMap { $0.isEmpty ? nil : $0 } ?? "uploads",
            commonPasswordsFile: env["POMOPOMO_COMMON_PASSWORDS"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/share/john/password.lst",
            hashSlots: try int("POMOPOMO_HASH_SLOTS", 1, 1...64),
            hashQueue: try int("POMOPOMO_HASH_QUEUE", 2, 0...256),
            hashesPerSecond: try int("POMOPOMO_HASH_RATE", 20, 1...10_000),
            mailLog: mailLog,
            resetEventRetentionDays: try int("POMOPOMO_RESET_EVENT_RETENTION_DAYS", 400, 1...36_500),
            rateLimits: try RateLimits.fromEnvironment(int),
            uploadWorkers: try int("POMOPOMO_UPLOAD_WORKERS", 2, 1...64),
            uploadQueue: try int("POMOPOMO_UPLOAD_QUEUE", 24, 0...1024),
            ffprobe: env["POMOPOMO_FFPROBE"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/bin/ffprobe",
            transcription: try TranscriptionSettings.fromEnvironment(env),
            metricsTokenDigest: try metricsToken(env),
            postgresBin: env["POMOPOMO_PG_BIN"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/bin",
            totpKey: try totpKey(env)
        )
    }

    static func redisEndpoint(_ env: [String: String]) throws -> RedisEndpoint? {
        let direct = env["POMOPOMO_REDIS"].flatMap { $0.isEmpty ? nil : $0 }
        let sentinels = env["POMOPOMO_REDIS_SENTINELS"].flatMap { $0.isEmpty ? nil : $0 }
        let master = env["POMOPOMO_REDIS_MASTER"].flatMap { $0.isEmpty ? nil : $0 }
        if let sentinels {
            guard direct == nil else {
                throw Problem(
                    description: "set POMOPOMO_REDIS or POMOPOMO_REDIS_SENTINELS, not both: with Sentinel the primary's address comes from it")
            }
            let addresses = try sentinels.split(separator: ",").map { part in
                let text = part.trimmingCharacters(in: .whitespaces)
                guard let address = RedisAddress(text), case .tcp = address.kind else {
                    throw Problem(description: "POMOPOMO_REDIS_SENTINELS must be host:port[,host:port...], got “\(text)”")
                }
                return address
            }
            guard !addresses.isEmpty else { throw Problem(description: "POMOPOMO_REDIS_SENTINELS names no Sentinel") }
            return .sentinel(sentinels: addresses, master: master ?? "pomopomo")
        }
        guard master == nil else {
            throw Problem(description: "POMOPOMO_REDIS_MASTER needs POMOPOMO_REDIS_SENTINELS (the Sentinels that know that master)")
        }
        guard let direct else { return nil }
        guard let address = RedisAddress(direct) else {
            throw Problem(description: "POMOPOMO_REDIS must be unix:/path/to.sock or host:port, got “\(direct)”")
        }
        return .direct(address)
    }

    static func metricsToken(_ env: [String: String]) throws -> [UInt8]? {
        guard let token = env["POMOPOMO_METRICS_TOKEN"], !token.isEmpty else { return nil }
        guard token.utf8.count >= 32, token.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline }) else {
            throw Problem(description: "POMOPOMO_METRICS_TOKEN must be at least 32 characters of random text, without blanks")
        }
        return Sodium.sha256(Array(token.utf8))
    }

    static func smtpServer(_ env: [String: String], _ int: (String, Int, ClosedRange<Int>) throws -> Int) throws -> Curl.SMTPServer? {
        guard let host = env["POMOPOMO_SMTP_HOST"], !host.isEmpty else { return nil }
        guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":") }) else {
            throw Problem(description: "POMOPOMO_SMTP_HOST must be a host name or address, got “\(host)”")
        }
        let tls = env["POMOPOMO_SMTP_STARTTLS"] ?? "required"
        guard tls == "required" || tls == "off" else {
            throw Problem(description: "POMOPOMO_SMTP_STARTTLS must be “required” or “off”, got “\(tls)”")
        }
        let caFile = env["POMOPOMO_SMTP_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw Problem(description: "POMOPOMO_SMTP_CA_FILE names a file that cannot be read: \(caFile)")
        }
        return Curl.SMTPServer(
            host: host, port: try int("POMOPOMO_SMTP_PORT", 587, 1...65535), requireTLS: tls == "required",
            username: env["POMOPOMO_SMTP_USER"], password: env["POMOPOMO_SMTP_PASSWORD"], caFile: caFile)
    }

    /// 64 hex digits, or nothing. A key that is set but malformed stops the start: an operator
    /// who set one means to use it, and a typo must not quietly shut the admin pages.
    static func totpKey(_ env: [String: String]) throws -> [UInt8]? {
        guard let text = env["POMOPOMO_TOTP_KEY"], !text.isEmpty else { return nil }
        let hex = Array("0123456789abcdef".utf8)
        let values = text.lowercased().utf8.compactMap { hex.firstIndex(of: $0) }
        guard text.utf8.count == 64, values.count == 64 else {
            throw Problem(description: "POMOPOMO_TOTP_KEY must be 64 hex digits (32 random bytes: openssl rand -hex 32)")
        }
        return stride(from: 0, to: 64, by: 2).map { UInt8(values[$0] << 4 | values[$0 + 1]) }
    }

    public var secureCookies: Bool { baseURL.hasPrefix("https://") }

    /// scheme://host[:port] of the base URL: what a same-site browser sends as Origin.
    public var baseOrigin: String {
        guard let schemeEnd = baseURL.range(of: "://") else { return baseURL }
        let rest = baseURL[schemeEnd.upperBound...]
        let host = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        return String(baseURL[..<schemeEnd.upperBound]) + host
    }
}
