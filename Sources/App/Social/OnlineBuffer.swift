import Foundation

/// Signed-in people seen by this responder (a page or their live channel), noted in memory and
/// written to Redis in one round trip a second by `SocialJobs`: at most once per person every
/// `interval` seconds, however many tabs and requests they make.
final class OnlineBuffer: @unchecked Sendable {
    static let interval: TimeInterval = 20

    private let lock = NSLock()
    private var noted: [String: Date] = [:]
    private var pending: Set<String> = []

    func note(_ userID: String, now: Date = Date()) {
        lock.lock()
        defer { lock.unlock() }
        if let last = noted[userID], now.timeIntervalSince(last) < Self.interval { return }
        noted[userID] = now
        pending.insert(userID)
    }

    /// What to write now; forgets people not seen for a while, so the map stays small.
    func drain(now: Date = Date()) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        let out = Array(pending)
        pending = []
        if noted.count > 10_000 { noted = noted.filter { now.timeIntervalSince($0.value) < Self.interval } }
        return out
    }
}
