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

    /// A load in progress; requests that miss meanwhile wait for its result instead of
    /// starting their own (single flight).
    private final class Flight: @unchecked Sendable {
        private let condition = NSCondition()
        private var result: Result<RoomSnapshot?, Error>?

        func finish(_ outcome: Result<RoomSnapshot?, Error>) {
            condition.lock()
            result = outcome
            condition.broadcast()
            condition.unlock()
        }

        func wait() -> Result<RoomSnapshot?, Error> {
            condition.lock()
            defer { condition.unlock() }
            while result == nil { condition.wait() }
            return result!
        }
    }

    private let hub: LiveHub
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    /// Room id → code, for wake-ups, which name rooms by id.
    private var codes: [String: String] = [:]
    private var flights: [String: Flight] = [:]

    init(hub: LiveHub) { self.hub = hub }

    func lookup(_ code: RoomCode) -> RoomSnapshot? { lookup(code: code.value) }

    /// The same by room id: a crowd's polls answered by the hub one by one (each woken with the
    /// newer version at once) reuse the snapshot instead of loading the room each.
    func lookup(id: String) -> RoomSnapshot? {
        lock.lock()
        let code = codes[id]
        lock.unlock()
        return code.flatMap { lookup(code: $0) }
    }

    private func lookup(code: String) -> RoomSnapshot? {
        guard let epoch = hub.cacheEpoch else { return nil }
        lock.lock()
        let entry = entries[code]
        lock.unlock()
        guard let entry, entry.epoch == epoch, entry.snapshot.age < Self.maxAge, !entry.snapshot.isExpired else { return nil }
        if let newer = hub.latestVersion(of: entry.snapshot.room.channel), newer > entry.snapshot.room.version { return nil }
        return entry.snapshot
    }

    /// The entry for this room even when a newer version has been announced (same subscription,
    /// not expired, younger than `maxAge`): what a request may be answered from while the newer
    /// version is being loaded for it by another request (`RoomReader`).
    func stale(_ code: RoomCode) -> RoomSnapshot? {
        guard let epoch = hub.cacheEpoch else { return nil }
        lock.lock()
        let entry = entries[code.value]
        lock.unlock()
        guard let entry, entry.epoch == epoch, entry.snapshot.age < Self.maxAge, !entry.snapshot.isExpired else { return nil }
        return entry.snapshot
    }

    /// Whether a load for `key` is running now.
    func isLoading(_ key: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return flights[key] != nil
    }

    /// Runs `load` for `key` unless a load for the same key is already running, in which case
    /// it waits for that one and returns its result (`joined` true). A room that 2,000
    /// browsers ask for at once is loaded once per process, not once per request, and holds
    /// one database connection at a time. The caller decides whether a joined result is new
    /// enough (it may have started just before the caller's own change was committed).
    func singleFlight(_ key: String, _ load: () throws -> RoomSnapshot?) throws -> (snapshot: RoomSnapshot?, joined: Bool) {
        lock.lock()
        if let running = flights[key] {
            lock.unlock()
            return (try running.wait().get(), true)
        }
        let flight = Flight()
        flights[key] = flight
        lock.unlock()
        let outcome = Result { try load() }
        lock.lock()
        flights[key] = nil
        lock.unlock()
        flight.finish(outcome)
        return (try outcome.get(), false)
    }

    /// `epoch` is `hub.cacheEpoch` read before the snapshot was loaded, so a subscription that
    /// dropped during the load keeps the snapshot out.
    func store(_ snapshot: RoomSnapshot, epoch: Int?) {
        guard let epoch else { return }
        lock.lock()
        if entries.count >= Self.maxEntries {
            entries = entries.filter { $0.value.snapshot.age < Self.maxAge }
            if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
            codes = codes.filter { entries[$0.value] != nil }
        }
        entries[snapshot.room.code.value] = Entry(snapshot: snapshot, epoch: epoch)
        codes[snapshot.room.id] = snapshot.room.code.value
        lock.unlock()
    }
}

/// Reads rooms through the cache, falling back to PostgreSQL.
struct RoomReader {
    let services: Services

    var store: RoomStore { RoomStore(database: services.database) }

    /// `atLeast`: the version this browser's own last change produced (see
    /// `SeenVersion`, signed, so a made-up future version never gets here); an older cached
    /// copy is not good enough for it. `orWhileLoading`: for long-polls only (see below).
    func snapshot(_ code: RoomCode, atLeast: Int? = nil, orWhileLoading: Bool = false) throws -> RoomSnapshot? {
        // A browser that just changed the room (joining included) names the version it made;
        // an older copy would not show its own change.
        if let hit = services.roomCache.lookup(code), hit.room.version >= atLeast ?? 0 { return hit }
        // Loads of a known room are keyed by its id, so page views, polls and wake-ups share one.
        let stale = services.roomCache.stale(code)
        let key = stale.map { "id:" + $0.room.id } ?? "code:" + code.value
        // While the room is being loaded anyway, a long-poll is answered from the copy at hand
        // instead of holding an accept thread for the load: a hot room holds one accept thread at
        // a time, not all. That is safe for polls only: one behind the newer version is parked
        // and answered by the hub, which has woken it with the newer version (RoomHandlers.poll).
        // A page must show every change acknowledged before it was asked for, so it waits.
        if orWhileLoading, let stale, stale.room.version >= atLeast ?? 0, services.roomCache.isLoading(key) { return stale }
        return try shared(key, atLeast: atLeast) { try store.snapshot(code) }
    }

    func snapshot(id: String) throws -> RoomSnapshot? {
        if let hit = services.roomCache.lookup(id: id) { return hit }
        return try shared("id:" + id, atLeast: nil) { try store.snapshot(id: id) }
    }

    /// One load for everyone who asks while it runs. A joined load that turns out older than
    /// what this request must see (its own change, or a version a wake-up has named since) is
    /// not used: this request loads again.
    private func shared(_ key: String, atLeast: Int?, _ load: () throws -> RoomSnapshot?) throws -> RoomSnapshot? {
        let (loaded, joined) = try services.roomCache.singleFlight(key) { try self.load(load) }
        if joined, let loaded {
            let named = services.hub.latestVersion(of: loaded.room.channel) ?? 0
            if loaded.room.version < max(atLeast ?? 0, named) {
                let again = try self.load(load)
                if let again { mirror(again) }
                return again
            }
        }
        // The loader rewrites the mirror after the waiters have their snapshot.
        if !joined, let loaded { mirror(loaded) }
        return loaded
    }

    /// Rewrites the room's Redis mirror and the presence of the accounts in it, and tells the
    /// friends of anyone whose presence changed.
    private func mirror(_ snapshot: RoomSnapshot) {
        RoomMirror.write(snapshot, redis: services.redis)
        PresenceFanOut.tell(PresenceMirror.write(snapshot, redis: services.redis), services: services)
    }

    private func load(_ body: () throws -> RoomSnapshot?) throws -> RoomSnapshot? {
        let epoch = services.hub.cacheEpoch
        guard let loaded = try body() else { return nil }
        services.roomCache.store(loaded, epoch: epoch)
        return loaded
    }
}
