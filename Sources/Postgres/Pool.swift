import Foundation

/// A fixed number of connections shared by the responder's threads. Connections are opened
/// lazily and replaced when broken, so the responder starts and recovers while PostgreSQL is down.
public final class PostgresPool: @unchecked Sendable {
    private let conninfo: String
    private let size: Int
    private let waitTimeout: TimeInterval
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var waits = 0
    private var timeouts = 0

    public init(conninfo: String, size: Int, waitTimeout: TimeInterval = 5) {
        self.conninfo = conninfo
        self.size = max(1, size)
        self.waitTimeout = waitTimeout
    }

    /// Lends a connection to `body`; blocks while all are busy (up to the wait timeout).
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try checkout()
        do {
            let value = try body(connection)
            checkin(connection)
            return value
        } catch {
            checkin(connection)
            throw error
        }
    }

    /// Runs `body` inside BEGIN/COMMIT, rolling back on any error. Serialization failures and
    /// deadlocks are retried a few times, so `body` must only touch the database.
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try withConnection { conn in
                    try conn.query("BEGIN")
                    do {
                        let value = try body(conn)
                        try conn.query("COMMIT")
                        return value
                    } catch {
                        if conn.isHealthy { _ = try? conn.query("ROLLBACK") }
                        throw error
                    }
                }
            } catch PostgresError.retryable where attempt < 4 {
                continue
            }
        }
    }

    /// Whether the server answers a trivial statement now (for readiness checks). Blocks up to
    /// the connect timeout when it does not.
    public func isReachable() -> Bool {
        (try? query("SELECT 1")) != nil
    }

    /// One statement on any free connection.
    @discardableResult
    public func query(_ sql: String, _ params: [any PostgresBindable] = []) throws -> PostgresRows {
        try withConnection { try $0.query(sql, params) }
    }

    /// How the pool is used right now, and how often a caller had to wait for a connection or
    /// gave up waiting since the process started (for `/metrics`).
    public struct Usage: Sendable, Equatable {
        public let size: Int
        public let open: Int
        public let idle: Int
        public let waits: Int
        public let timeouts: Int
        public var busy: Int { open - idle }
    }

    public var usage: Usage {
        condition.lock()
        defer { condition.unlock() }
        return Usage(size: size, open: open, idle: idle.count, waits: waits, timeouts: timeouts)
    }

    private func checkout() throws -> PostgresConnection {
        condition.lock()
        let deadline = Date().addingTimeInterval(waitTimeout)
        if idle.isEmpty && open >= size { waits += 1 }
        while idle.isEmpty && open >= size {
            if !condition.wait(until: deadline) {
                timeouts += 1
                condition.unlock()
                throw PostgresError.poolExhausted
            }
        }
        while let connection = idle.popLast() {
            if connection.stillOpenWhileIdle {
                condition.unlock()
                return connection
            }
            open -= 1
        }
        open += 1
        condition.unlock()
        do {
            return try PostgresConnection(conninfo: conninfo)
        } catch {
            condition.lock()
            open -= 1
            condition.signal()
            condition.unlock()
            throw error
        }
    }

    private func checkin(_ connection: PostgresConnection) {
        condition.lock()
        if connection.isHealthy {
            idle.append(connection)
        } else {
            open -= 1
        }
        condition.signal()
        condition.unlock()
    }
}
