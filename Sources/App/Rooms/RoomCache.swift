import Domain
import Foundation

/// Room snapshots kept in this process so that page views and polls of a busy room cost no
/// database round trip. An entry is trusted only while this process is subscribed to Redis
/// wake-ups without interruption since the entry was loaded, only until a wake-up names a
/// newer version of the room (local writes announce themselves the same way), only until the
/// room expires, and for 10 s at most. Without a subscription every read goes to PostgreSQL.
/// Hence the rule for every writer, in this process or any tool: bump `rooms.version` in the
/// same transaction and announce it (`LiveHub.notify`, or PUBLISH on `pomopomo:wake`).
final class RoomCache: @unchecked Sendable {
    static let maxAge: Double = 10
    static let maxEntries = 10_000

    private struct Entry {
        let snapshot: RoomSnapshot
        let epoch: Int
    }

    private let hub: LiveHub
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    init(hub: LiveHub) { self.hub = hub }

    func lookup(_ code: RoomCode) -> RoomSnapshot? {
        guard let epoch = hub.cacheEpoch else { return nil }
        lock.lock()
        let entry = entries[code.value]
        lock.unlock()
        guard let entry, entry.epoch == epoch, entry.snapshot.age < Self.maxAge, !entry.snapshot.isExpired else { return nil }
        if let newer = hub.latestVersion(of: entry.snapshot.room.channel), newer > entry.snapshot.room.version { return nil }
        return entry.snapshot
    }

    /// `epoch` is `hub.cacheEpoch` read before the snapshot was loaded, so a subscription that
    /// dropped during the load keeps the snapshot out.
    func store(_ snapshot: RoomSnapshot, epoch: Int?) {
        guard let epoch else { return }
        lock.lock()
        if entries.count >= Self.maxEntries {
            entries = entries.filter { $0.value.snapshot.age < Self.maxAge }
            if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
        }
        entries[snapshot.room.code.value] = Entry(snapshot: snapshot, epoch: epoch)
        lock.unlock()
    }

    /// Records a presence write made by this process, so the next view does not repeat it.
    func markSeen(_ code: RoomCode, session: SessionID) {
        lock.lock()
        if let entry = entries[code.value] {
            entries[code.value] = Entry(snapshot: entry.snapshot.seen(session), epoch: entry.epoch)
        }
        lock.unlock()
    }
}

/// Reads rooms through the cache, falling back to PostgreSQL.
struct RoomReader {
    let services: Services

    var store: RoomStore { RoomStore(database: services.database) }

    /// `atLeast`: the version this browser's own last change produced (see
    /// `SeenVersion`, signed, so a made-up future version never gets here); an older cached
    /// copy is not good enough for it.
    func snapshot(_ code: RoomCode, atLeast: Int? = nil) throws -> RoomSnapshot? {
        // A browser that just changed the room (joining included) names the version it made;
        // an older copy would not show its own change.
        if let hit = services.roomCache.lookup(code), hit.room.version >= atLeast ?? 0 { return hit }
        let epoch = services.hub.cacheEpoch
        guard let loaded = try store.snapshot(code) else { return nil }
        services.roomCache.store(loaded, epoch: epoch)
        RoomMirror.write(loaded, redis: services.redis)
        return loaded
    }

    func snapshot(id: String) throws -> RoomSnapshot? {
        let epoch = services.hub.cacheEpoch
        guard let loaded = try store.snapshot(id: id) else { return nil }
        services.roomCache.store(loaded, epoch: epoch)
        RoomMirror.write(loaded, redis: services.redis)
        return loaded
    }
}
