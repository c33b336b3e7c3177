import Foundation

/// Connections to Redis with short timeouts and a breaker: after a failure Redis is skipped for
/// a moment, so a dead or hung Redis costs each request nothing instead of a timeout. Behind
/// Sentinel, a failure or a -READONLY reply (the instance was demoted to a replica) makes the
/// locator ask where the primary is now.
public final class RedisPool: @unchecked Sendable {
    public let locator: RedisLocator
    private let timeout: TimeInterval
    private let retryAfter: TimeInterval
    private let lock = NSLock()
    private var idle: [RedisConnection] = []
    /// Connections lent to a command right now.
    private var lent = 0
    private var downUntil: Date = .distantPast
    private var trips = 0

    public init(locator: RedisLocator, timeout: TimeInterval = 0.25, retryAfter: TimeInterval = 0.5) {
        self.locator = locator
        self.timeout = timeout
        self.retryAfter = retryAfter
    }

    public convenience init(address: RedisAddress, timeout: TimeInterval = 0.25, retryAfter: TimeInterval = 0.5) {
        self.init(locator: RedisLocator(address), timeout: timeout, retryAfter: retryAfter)
    }

    /// True while the breaker is open after a recent failure.
    public var isDown: Bool {
        lock.lock()
        defer { lock.unlock() }
        return Date() < downUntil
    }

    /// Connections in use and kept idle, whether the breaker is open now, and how often it has
    /// opened since the process started (for `/metrics`).
    public struct Usage: Sendable, Equatable {
        public let busy: Int
        public let idle: Int
        public let breakerOpen: Bool
        public let breakerTrips: Int
    }

    public var usage: Usage {
        lock.lock()
        defer { lock.unlock() }
        return Usage(busy: lent, idle: idle.count, breakerOpen: Date() < downUntil, breakerTrips: trips)
    }

    /// Runs one command; throws `.unavailable` at once while the breaker is open.
    @discardableResult
    public func command(_ args: String...) throws -> RedisReply {
        try command(args)
    }

    @discardableResult
    public func command(_ args: [String]) throws -> RedisReply {
        let connection = try checkout()
        let address = connection.address
        do {
            let reply = try connection.command(args)
            checkin(connection)
            return reply
        } catch RedisError.command(let message) where message.hasPrefix("READONLY") {
            // A failover demoted this instance; every connection to it is as stale as this one.
            discard()
            locator.failed(address)
            dropIdle()
            throw RedisError.unavailable("\(address) is a replica now")
        } catch let error as RedisError {
            if case .unavailable = error {
                discard()
                locator.failed(address)
                tripBreaker()
            } else {
                checkin(connection)
            }
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
            lent += 1
            lock.unlock()
            return connection
        }
        lock.unlock()
        var address: RedisAddress? = nil
        do {
            address = try locator.primary()
            let connection = try RedisConnection(address: address!, timeout: timeout)
            lock.lock()
            lent += 1
            lock.unlock()
            return connection
        } catch {
            if let address { locator.failed(address) }
            tripBreaker()
            throw error
        }
    }

    private func checkin(_ connection: RedisConnection) {
        lock.lock()
        lent -= 1
        if connection.isHealthy && idle.count < 32 { idle.append(connection) }
        lock.unlock()
    }

    /// A lent connection that failed is dropped, not returned.
    private func discard() {
        lock.lock()
        lent -= 1
        lock.unlock()
    }

    private func dropIdle() {
        lock.lock()
        idle.removeAll()
        lock.unlock()
    }

    private func tripBreaker() {
        lock.lock()
        downUntil = Date().addingTimeInterval(retryAfter)
        trips += 1
        // Every idle connection may be as broken as the one that failed.
        idle.removeAll()
        lock.unlock()
    }
}
