import Foundation

/// Presence seen by this process and not yet written to PostgreSQL. A page view or poll only
/// records "this participant was here just now" in memory; the room jobs flush it every
/// `flushInterval` with one statement per room (`RoomStore.flushPresence`), which also bumps
/// the people part once if anyone in the batch came back from away. So 2,000 browsers coming
/// back at once cost one row lock and one version bump per room per second, not 2,000 of each
/// (each of which woke every parked poll and reloaded the whole room). It needs no Redis, so
/// it works the same while Redis is down; a responder killed between flushes loses at most
/// one interval of "last seen", which the next view records again.
final class PresenceBuffer: @unchecked Sendable {
    static let flushInterval: TimeInterval = 1

    private let lock = NSLock()
    /// room id → participant id → when (uptime ns) it was last seen here.
    private var pending: [String: [String: UInt64]] = [:]

    func record(roomID: String, participantID: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        pending[roomID, default: [:]][participantID] = now
        lock.unlock()
    }

    /// Takes everything recorded so far: per room, each participant with how many seconds ago
    /// they were seen (durations, not clock readings, so the database's clock decides the time).
    func drain() -> [String: [(participantID: String, secondsAgo: Double)]] {
        lock.lock()
        let taken = pending
        pending = [:]
        lock.unlock()
        let now = DispatchTime.now().uptimeNanoseconds
        return taken.mapValues { seen in
            seen.map { ($0.key, Double(now &- $0.value) / 1e9) }
        }
    }

    /// Puts back a batch whose write failed (the database is down), unless seen again since.
    func restore(roomID: String, _ batch: [(participantID: String, secondsAgo: Double)]) {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        for (id, ago) in batch where pending[roomID]?[id] == nil {
            pending[roomID, default: [:]][id] = now &- UInt64(max(0, ago) * 1e9)
        }
        lock.unlock()
    }
}
