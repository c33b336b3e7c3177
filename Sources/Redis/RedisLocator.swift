import Foundation

/// Where the Redis primary is. A direct endpoint never moves; with Sentinel the answer is cached
/// until a caller reports that the address failed it (a broken connection, or -READONLY from an
/// instance that was demoted), and the next caller asks the Sentinels again. The pool and the
/// subscriber share one locator, so whichever notices a failover first moves both.
public final class RedisLocator: @unchecked Sendable {
    public let endpoint: RedisEndpoint
    private let timeout: TimeInterval
    private let lock = NSLock()
    private var cached: RedisAddress?

    public init(_ endpoint: RedisEndpoint, timeout: TimeInterval = 0.25) {
        self.endpoint = endpoint
        self.timeout = timeout
        if case .direct(let address) = endpoint { cached = address }
    }

    public convenience init(_ address: RedisAddress) { self.init(.direct(address)) }

    /// The primary's address; asks the Sentinels in turn when none is cached. Throws
    /// `.unavailable` when no Sentinel answers or none knows the master.
    public func primary() throws -> RedisAddress {
        lock.lock()
        if let cached {
            lock.unlock()
            return cached
        }
        lock.unlock()
        guard case .sentinel(let sentinels, let master) = endpoint else {
            throw RedisError.unavailable("no address")  // unreachable: a direct endpoint is always cached
        }
        var problems: [String] = []
        for sentinel in sentinels {
            do {
                let connection = try RedisConnection(address: sentinel, timeout: timeout)
                let reply = try connection.command(["SENTINEL", "get-master-addr-by-name", master])
                guard case .array(let parts) = reply, parts.count == 2, let host = parts[0].string, let port = parts[1].string,
                    let address = RedisAddress("\(host):\(port)")
                else {
                    problems.append("\(sentinel): does not know master \(master)")
                    continue
                }
                lock.lock()
                cached = address
                lock.unlock()
                return address
            } catch {
                problems.append("\(sentinel): \(error)")
            }
        }
        throw RedisError.unavailable("no Sentinel named the primary (\(problems.joined(separator: "; ")))")
    }

    /// `address` failed a caller: forget it so the next `primary()` asks the Sentinels again.
    /// A direct endpoint keeps its only address.
    public func failed(_ address: RedisAddress) {
        guard case .sentinel = endpoint else { return }
        lock.lock()
        if cached == address { cached = nil }
        lock.unlock()
    }
}
