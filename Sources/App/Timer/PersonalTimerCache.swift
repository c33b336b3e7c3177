import Foundation

/// Personal timers kept in this process, so that looking at `/timer` (and each poll answer) costs
/// no database round trip. The same rules as `RoomCache`: an entry is trusted only while this
/// process has been subscribed to Redis wake-ups without interruption since it was loaded, only
/// until a wake-up names a newer version of the timer's channel (`ptimer:<id>`; local writes
/// announce themselves the same way), and for 10 s at most. Without a subscription every look
/// goes to PostgreSQL. Hence the rule for every writer of `personal_timers`, in this process or
/// any tool: bump `version` in the same transaction (`PersonalTimerStore.bump`) and announce it
/// (`ctx.announceAfterCommit`, `LiveHub.notify`, or PUBLISH on `pomopomo:wake`). A page that must
/// show a change its own browser just made asks for that version (`/timer?v=N`).
final class PersonalTimerCache: @unchecked Sendable {
    static let maxAge: TimeInterval = 10
    static let maxEntries = 10_000

    private struct Entry {
        let timer: PersonalTimer
        let epoch: Int
        let loadedAt: Date
    }

    private let hub: LiveHub
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    init(hub: LiveHub) { self.hub = hub }

    private static func key(_ owner: PersonalTimerOwner) -> String {
        switch owner {
        case .user(let id): return "u" + id
        case .guest(let hash): return "g" + hash.map { String(format: "%02x", $0) }.joined()
        }
    }

    /// The owner's timer as last loaded, when it may still be trusted and is at least `atLeast`.
    func lookup(_ owner: PersonalTimerOwner, atLeast: Int) -> PersonalTimer? {
        guard let epoch = hub.cacheEpoch else { return nil }
        lock.lock()
        let entry = entries[Self.key(owner)]
        lock.unlock()
        guard let entry, entry.epoch == epoch, Date().timeIntervalSince(entry.loadedAt) < Self.maxAge,
            entry.timer.version >= atLeast
        else { return nil }
        if let newer = hub.latestVersion(of: entry.timer.channel), newer > entry.timer.version { return nil }
        return entry.timer
    }

    /// `epoch` is `hub.cacheEpoch` read before the timer was loaded, so a subscription that
    /// dropped during the load keeps it out.
    func store(_ timer: PersonalTimer, for owner: PersonalTimerOwner, epoch: Int?) {
        guard let epoch else { return }
        lock.lock()
        if entries.count >= Self.maxEntries {
            entries = entries.filter { Date().timeIntervalSince($0.value.loadedAt) < Self.maxAge }
            if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
        }
        entries[Self.key(owner)] = Entry(timer: timer, epoch: epoch, loadedAt: Date())
        lock.unlock()
    }
}
