import Foundation

/// Connections to Redis with short timeouts and a breaker: after a failure Redis is skipped for
/// a moment, so a dead or hung Redis costs each request nothing instead of a timeout.
public final class RedisPool: @unchecked Sendable {
    private let address: RedisAddress
    private let timeout: TimeInterval
    private let retryAfter: TimeInterval
    private let lock = NSLock()
    private var idle: [RedisConnection] = []
    private var downUntil: Date = .distantPast

    public init(address: RedisAddress, timeout: TimeInterval = 0.25, retryAfter: TimeInterval = 0.5) {
        self.address = address
        self.timeout = timeout
        self.retryAfter = retryAfter
    }

    /// True while the breaker is open after a recent failure.
    public var isDown: Bool {
        lock.lock()
        defer { lock.unlock() }
        return Date() < downUntil
    }

    /// Runs one command; throws `.unavailable` at once while the breaker is open.
    @discardableResult
    public func command(_ args: String...) throws -> RedisReply {
        try command(args)
    }

    @discardableResult
    public func command(_ args: [String]) throws -> RedisReply {
        let connection = try checkout()
        do {
            let reply = try connection.command(args)
            checkin(connection)
            return reply
        } catch let error as RedisError {
            if case .unavailable = error { tripBreaker() } else { checkin(connection) }
            throw error
        }
    }

    /// Runs a command and swallows unavailability: for mirrors and wake-ups that PostgreSQL backs.
    @discardableResult
    public func bestEffort(_ args: String...) -> RedisReply? {
        try? command(args)
    }

    private func checkout() throws -> RedisConnection {
        lock.lock()
        if Date() < downUntil {
            lock.unlock()
            throw RedisError.unavailable("skipped after a recent failure")
        }
        if let connection = idle.popLast() {
            lock.unlock()
            return connection
        }
        lock.unlock()
        do {
            return try RedisConnection(address: address, timeout: timeout)
        } catch {
            tripBreaker()
            throw error
        }
    }

    private func checkin(_ connection: RedisConnection) {
        guard connection.isHealthy else { return }
        lock.lock()
        if idle.count < 32 { idle.append(connection) }
        lock.unlock()
    }

    private func tripBreaker() {
        lock.lock()
        downUntil = Date().addingTimeInterval(retryAfter)
        // Every idle connection may be as broken as the one that failed.
        idle.removeAll()
        lock.unlock()
    }
}
