import Foundation

/// When each background job thread of this process last finished a tick (`JobThread`), so a
/// scrape can tell a stuck or dead job from a quiet one. One per process, like the threads it
/// watches; a tick takes the lock once, which is nothing next to the tick's own SQL.
final class JobHeartbeats: @unchecked Sendable {
    static let shared = JobHeartbeats()
    private let lock = NSLock()
    private var last: [String: Date] = [:]

    func beat(_ job: String, at time: Date = Date()) {
        lock.lock()
        last[job] = time
        lock.unlock()
    }

    /// Seconds since each job's last finished tick, by job name.
    func ages(now: Date = Date()) -> [(job: String, seconds: Double)] {
        lock.lock()
        defer { lock.unlock() }
        return last.sorted { $0.key < $1.key }.map { ($0.key, max(0, now.timeIntervalSince($0.value))) }
    }
}
