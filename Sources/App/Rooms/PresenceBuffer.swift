import Foundation

/// Presence seen by this process and not yet written to PostgreSQL. A page view or poll only
/// records "this participant was here just now" in memory; the room jobs flush it every
/// `flushInterval` with one statement per room (`RoomStore.flushPresence`), which also bumps
/// the people part once if anyone in the batch came back from away. So 2,000 browsers coming
/// back at once cost one row lock and one version bump per room per second, not 2,000 of each
/// (each of which woke every parked poll and reloaded the whole room). It needs no Redis, so
/// it works the same while Redis is down; a responder killed between flushes loses at most
/// one interval of "last seen", which the next view records again.
///
/// A "came back" bump wakes every parked poll of the room, and each wake-up brings every
/// browser back a moment later. In a big room (`bigRoom` people) such bumps are therefore
/// spaced `bigRoomBumpInterval` apart: "last seen" is still written every second, and a bump
/// that is due waits (it is owed) until the interval has passed. Otherwise a crowd arriving
/// over several seconds would be woken once a second, each wake-up a wave of thousands of polls.
final class PresenceBuffer: @unchecked Sendable {
    static let flushInterval: TimeInterval = 1
    static let bigRoom = 200
    static let bigRoomBumpInterval: TimeInterval = 5

    /// One room's batch: who was seen how many seconds ago, and whether a bump is allowed now
    /// (`mayBump`) or owed from an earlier batch (`owed`).
    struct Batch {
        let roomID: String
        let seen: [(participantID: String, secondsAgo: Double)]
        let mayBump: Bool
        let owed: Bool
    }

    private struct Bumps {
        var last: UInt64 = 0
        var owed = false
        var roomSize = 0
    }

    private let lock = NSLock()
    /// room id → participant id → when (uptime ns) it was last seen here.
    private var pending: [String: [String: UInt64]] = [:]
    private var bumps: [String: Bumps] = [:]

    func record(roomID: String, participantID: String, roomSize: Int) {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        pending[roomID, default: [:]][participantID] = now
        bumps[roomID, default: Bumps()].roomSize = roomSize
        lock.unlock()
    }

    /// Takes everything recorded so far, and the rooms that are owed a bump: per room, each
    /// participant with how many seconds ago they were seen (durations, not clock readings, so
    /// the database's clock decides the time).
    func drain() -> [Batch] {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        let taken = pending
        pending = [:]
        var batches: [Batch] = []
        for roomID in Set(taken.keys).union(bumps.filter(\.value.owed).keys) {
            let state = bumps[roomID] ?? Bumps()
            let interval = state.roomSize >= Self.bigRoom ? Self.bigRoomBumpInterval : 0
            let mayBump = state.last == 0 || Double(now &- state.last) / 1e9 >= interval
            batches.append(
                Batch(
                    roomID: roomID, seen: (taken[roomID] ?? [:]).map { ($0.key, Double(now &- $0.value) / 1e9) },
                    mayBump: mayBump, owed: state.owed))
        }
        // Rooms nobody has looked at for a while are forgotten.
        bumps = bumps.filter { $0.value.owed || taken[$0.key] != nil || Double(now &- $0.value.last) / 1e9 < 60 }
        lock.unlock()
        return batches
    }

    /// What the flush did: bumped (the interval starts again), or a bump is now owed.
    func flushed(roomID: String, bumped: Bool, cameBack: Bool) {
        lock.lock()
        var state = bumps[roomID] ?? Bumps()
        if bumped {
            state.last = DispatchTime.now().uptimeNanoseconds
            state.owed = false
        } else if cameBack {
            state.owed = true
        }
        bumps[roomID] = state
        lock.unlock()
    }

    /// Puts back a batch whose write failed (the database is down), unless seen again since.
    func restore(_ batch: Batch) {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        for (id, ago) in batch.seen where pending[batch.roomID]?[id] == nil {
            pending[batch.roomID, default: [:]][id] = now &- UInt64(max(0, ago) * 1e9)
        }
        lock.unlock()
    }
}
