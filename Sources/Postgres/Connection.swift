internal import CLibPQ
import Foundation

/// A value bound to a `$n` placeholder, sent in text format. SQL text never contains user data.
public protocol PostgresBindable: Sendable {
    var postgresText: String? { get }
}

extension String: PostgresBindable { public var postgresText: String? { self } }
extension Int: PostgresBindable { public var postgresText: String? { String(self) } }
extension Int64: PostgresBindable { public var postgresText: String? { String(self) } }
extension Bool: PostgresBindable { public var postgresText: String? { self ? "t" : "f" } }
extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public var postgresText: String? { self?.postgresText }
}

/// Binary data bound as a bytea parameter (hex text form).
public struct ByteA: PostgresBindable, Hashable {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var postgresText: String? {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        out.reserveCapacity(2 + bytes.count * 2)
        for b in bytes {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// One libpq connection. Every call blocks the calling thread until the server answers, so a
/// connection belongs to one thread at a time (the pool enforces that).
public final class PostgresConnection {
    private var conn: OpaquePointer?

    /// Connects with a libpq conninfo string; blocks up to the conninfo's connect_timeout.
    public init(conninfo: String) throws {
        conn = PQconnectdb(conninfo)
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let message = conn.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            if let conn { PQfinish(conn) }
            self.conn = nil
            throw PostgresError.unavailable(message.trimmingTrailingNewlines)
        }
        // Server NOTICEs ("already exists, skipping") would go to stderr unstructured.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
    }

    deinit { if let conn { PQfinish(conn) } }

    /// False once the connection has broken; the pool then replaces it.
    public var isHealthy: Bool { conn.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// Checks an idle connection without a round trip: a server that restarted or ended the
    /// session has sent its goodbye (or closed the socket), so the socket reads as ready. Such
    /// a connection is dropped before a statement is sent on it, rather than failing a request.
    public var stillOpenWhileIdle: Bool {
        guard let conn, PQstatus(conn) == CONNECTION_OK else { return false }
        // Nothing is due on an idle session (we use no LISTEN): anything readable is the
        // server's goodbye or the socket's end.
        var fds = pollfd(fd: PQsocket(conn), events: Int16(POLLIN), revents: 0)
        return poll(&fds, 1, 0) == 0
    }

    /// Runs one statement with bound parameters as an unnamed statement, which keeps it
    /// compatible with PgBouncer's transaction pooling.
    @discardableResult
    public func query(_ sql: String, _ params: [any PostgresBindable] = []) throws -> PostgresRows {
        guard let conn else { throw PostgresError.unavailable("connection closed") }
        let texts = params.map { $0.postgresText }
        let cStrings: [UnsafeMutablePointer<CChar>?] = texts.map { $0.map { strdup($0) } ?? nil }
        defer { for pointer in cStrings { free(pointer) } }
        let result: OpaquePointer? = cStrings.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(buffer.count, 1)) { values in
                PQexecParams(conn, sql, Int32(texts.count), nil, texts.isEmpty ? nil : values, nil, nil, 0)
            }
        }
        guard let result else {
            throw PostgresError.unavailable(String(cString: PQerrorMessage(conn)).trimmingTrailingNewlines)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return PostgresRows(result)
        default:
            let message = String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines
            if PQstatus(conn) != CONNECTION_OK { throw PostgresError.unavailable(message) }
            let sqlstate = field(result, CLibPQ_DIAG_SQLSTATE) ?? ""
            throw PostgresError.from(sqlstate: sqlstate, message: message, constraint: field(result, CLibPQ_DIAG_CONSTRAINT_NAME))
        }
    }

    /// Runs several statements without parameters (migrations only).
    public func execute(script: String) throws {
        guard let conn else { throw PostgresError.unavailable("connection closed") }
        guard let result = PQexec(conn, script) else {
            throw PostgresError.unavailable(String(cString: PQerrorMessage(conn)).trimmingTrailingNewlines)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let message = String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines
            if PQstatus(conn) != CONNECTION_OK { throw PostgresError.unavailable(message) }
            throw PostgresError.from(sqlstate: field(result, CLibPQ_DIAG_SQLSTATE) ?? "", message: message, constraint: nil)
        }
    }

    private func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        PQresultErrorField(result, code).map { String(cString: $0) }
    }
}

/// The rows of a result, copied out of libpq so the PGresult can be freed at once.
public struct PostgresRows: Sendable, Sequence {
    public let columns: [String]
    public let rows: [[String?]]
    public let affectedRows: Int

    init(_ result: OpaquePointer) {
        let nrows = Int(PQntuples(result))
        let ncols = Int(PQnfields(result))
        columns = (0..<ncols).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [[String?]] = []
        rows.reserveCapacity(nrows)
        for r in 0..<nrows {
            var row: [String?] = []
            row.reserveCapacity(ncols)
            for c in 0..<ncols {
                if PQgetisnull(result, Int32(r), Int32(c)) == 1 {
                    row.append(nil)
                } else {
                    let length = Int(PQgetlength(result, Int32(r), Int32(c)))
                    let value = PQgetvalue(result, Int32(r), Int32(c))!
                    row.append(
                        value.withMemoryRebound(to: UInt8.self, capacity: length) {
                            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                        })
                }
            }
            rows.append(row)
        }
        self.rows = rows
        affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    public var count: Int { rows.count }
    public var first: PostgresRow? { rows.first.map { PostgresRow(values: $0, columns: columns) } }
    public func makeIterator() -> AnyIterator<PostgresRow> {
        var it = rows.makeIterator()
        let columns = self.columns
        return AnyIterator { it.next().map { PostgresRow(values: $0, columns: columns) } }
    }
}

/// One row; values are looked up by position in the SELECT list, which the owning store knows.
public struct PostgresRow: Sendable {
    public let values: [String?]
    let columns: [String]

    public subscript(_ index: Int) -> String? { values[index] }
    public func string(_ index: Int) -> String { values[index] ?? "" }
    public func int(_ index: Int) -> Int { values[index].flatMap { Int($0) } ?? 0 }
    public func bool(_ index: Int) -> Bool { values[index] == "t" }
    public func bytes(_ index: Int) -> [UInt8] { values[index].flatMap(ByteA.parseHex) ?? [] }
}

extension ByteA {
    /// Parses PostgreSQL's `\x…` hex output for bytea.
    static func parseHex(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count >= 2, chars[0] == UInt8(ascii: "\\"), chars[1] == UInt8(ascii: "x"), chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity((chars.count - 2) / 2)
        var i = 2
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" { s = s.dropLast() }
        return String(s)
    }
}
