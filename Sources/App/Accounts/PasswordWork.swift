import Foundation
import Sodium
import Web

/// Argon2id behind a gate. Each hash takes ~16 ms of CPU and 19 MiB on an accept thread, so a
/// flood of sign-ins or sign-ups could otherwise pin every accept thread and eat the CPU that
/// pages which never hash need. Two bounds, per process: at most `perSecond` hashes start in
/// any second (a token bucket, so the CPU hashing may take is capped whatever the flood), and
/// at most `slots` run at once with at most `queue` more waiting (so it never holds more than
/// slots + queue accept threads). Anyone past either bound is told at once to try again (503
/// with Retry-After). Callers throttle per address and per account *before* they get here.
final class PasswordWork: @unchecked Sendable {
    let hasher: PasswordHasher
    let slots: Int
    let queue: Int
    let perSecond: Double
    private let condition = NSCondition()
    private var running = 0
    private var waiting = 0
    private var tokens: Double
    private var refilled = DispatchTime.now().uptimeNanoseconds

    init(hasher: PasswordHasher = .owasp, slots: Int, queue: Int, perSecond: Int = 1000) {
        self.hasher = hasher
        self.slots = max(1, slots)
        self.queue = max(0, queue)
        self.perSecond = Double(max(1, perSecond))
        tokens = self.perSecond
    }

    /// Takes one token from the bucket; false when this second's budget is spent. Call locked.
    private func takeToken() -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        tokens = min(perSecond, tokens + Double(now - refilled) / 1e9 * perSecond)
        refilled = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    static let busy = ClientError.unavailable(retryAfter: 2)

    func hash(_ password: String) throws -> String {
        try gated { try hasher.hash(password) }
    }

    func verify(_ password: String, against encoded: String) throws -> Bool {
        try gated { hasher.verify(password, against: encoded) }
    }

    func needsRehash(_ encoded: String) -> Bool { hasher.needsRehash(encoded) }

    /// Hashes in flight and waiting right now (for tests of the gate and for /metrics later).
    var load: (running: Int, waiting: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (running, waiting)
    }

    private func gated<T>(_ work: () throws -> T) throws -> T {
        condition.lock()
        guard takeToken() else {
            condition.unlock()
            throw Self.busy
        }
        if running >= slots {
            guard waiting < queue else {
                condition.unlock()
                throw Self.busy
            }
            waiting += 1
            // A waiter gives up after a while: a thread stuck here is a thread not serving pages.
            let deadline = Date().addingTimeInterval(2)
            while running >= slots {
                if !condition.wait(until: deadline) && running >= slots {
                    waiting -= 1
                    condition.unlock()
                    throw Self.busy
                }
            }
            waiting -= 1
        }
        running += 1
        condition.unlock()
        defer {
            condition.lock()
            running -= 1
            condition.signal()
            condition.unlock()
        }
        return try work()
    }
}
