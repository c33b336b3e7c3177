import Domain
import Foundation
import Logging
import Postgres
import Redis

/// The music catalogue: search, trending, recommendations and home shelves from a Piped
/// instance, cached in Redis under the seed's keys, each track kept in `tracks` when the
/// instance first shows it. Cached answers are served whatever the instance's state; an
/// uncached one is fetched once per key at a time (`CatalogueFlights`), through the gate
/// (`CatalogueGate`: bounded waiting threads, a cool-off after failures), and a failure is a
/// `SoundtrackRefusal.catalogueUnavailable` that says what went wrong in words.
final class Catalogue: Sendable {
    let settings: CatalogueSettings
    private let client: PipedClient
    let gate: CatalogueGate
    private let flights = CatalogueFlights()
    private let cache: CatalogueCache
    private let database: PostgresPool
    private let logger: Logger

    init(settings: CatalogueSettings, redis: RedisPool?, database: PostgresPool, logger: Logger, threads: Int) {
        self.settings = settings
        client = PipedClient(settings: settings)
        // A quarter of the accept threads at most wait on the instance; the others keep serving rooms.
        gate = CatalogueGate(maxCalls: max(2, threads / 4), coolOff: CatalogueSettings.coolOffSeconds)
        cache = CatalogueCache(redis: redis)
        self.database = database
        self.logger = logger
    }

    /// How long one page may spend asking the instance in all (a home page asks up to five
    /// questions when nothing is cached): one call's timeout and half again.
    func deadline() -> Date { Date().addingTimeInterval(Double(settings.timeoutMilliseconds) * 1.5 / 1000) }

    func search(_ query: CatalogueQuery, now: Date, deadline: Date) throws -> [CatalogueEntry] {
        try cached(.search(query), [CatalogueEntry].self, now: now) {
            try self.keep(try self.call("search", now: now) { () throws(PipedClient.Failure) in try self.client.search(query, deadline: deadline) })
        }
    }

    func trending(now: Date, deadline: Date) throws -> [CatalogueEntry] {
        try cached(.trending, [CatalogueEntry].self, now: now) {
            try self.keep(try self.call("trending", now: now) { () throws(PipedClient.Failure) in try self.client.trending(deadline: deadline) })
        }
    }

    /// Related videos of a catalogue track (Piped's relatedStreams), the track itself left out.
    func recommendations(for id: PipedID, now: Date, deadline: Date) throws -> [CatalogueEntry] {
        if let hit = cache.get([CatalogueEntry].self, CatalogueCacheKey.recommendations(id).key) { return hit }
        return try video(id, now: now, deadline: deadline).related
    }

    /// The shelves of the music home page. Shelves whose search failed are left out of the
    /// answer and the answer is then not cached, so the next visit tries them again.
    func homeShelves(now: Date, deadline: Date) throws -> [CatalogueShelf] {
        let key = CatalogueCacheKey.homeShelves
        if let hit = cache.get([CatalogueShelf].self, key.key) { return hit }
        return try flights.run(key.key, wait: waitForFlight, late: self.tooSlow) {
            var shelves: [CatalogueShelf] = []
            var refusal: (any Error)? = nil
            for shelf in CatalogueShelf.home {
                guard let query = try? CatalogueQuery(shelf.query) else { continue }
                do {
                    let entries = try search(query, now: now, deadline: deadline)
                    if !entries.isEmpty {
                        shelves.append(CatalogueShelf(title: shelf.title, query: query.text, entries: Array(entries.prefix(CatalogueShelf.size))))
                    }
                } catch {
                    refusal = error
                }
            }
            if let refusal, shelves.isEmpty { throw refusal }
            if refusal == nil { cache.set(key.key, shelves, ttl: key.ttl) }
            return shelves
        }
    }

    /// Where a browser gets the audio of a catalogue track now (a Piped proxy address).
    func streamURL(for id: PipedID, now: Date, deadline: Date) throws -> String {
        if let hit = cache.text(Self.streamKey(id)) { return hit }
        guard let url = try video(id, now: now, deadline: deadline).stream else {
            throw SoundtrackRefusal.catalogueUnavailable(
                "The catalogue has no playable audio for this track (a live stream, or blocked where the catalogue runs).")
        }
        return url
    }

    /// The `tracks` id of a video the catalogue knows, asking it when the video was never seen
    /// (a link by video id); nil when the instance does not describe it.
    func trackID(for id: PipedID, now: Date, deadline: Date) throws -> String? {
        try video(id, now: now, deadline: deadline).track?.id
    }

    /// Makes sure a track's stream address is cached before listeners ask for it (a room that
    /// queues a catalogue track calls this), on a thread of its own; failures are only logged.
    func warm(_ id: PipedID) {
        guard cache.text(Self.streamKey(id)) == nil else { return }
        Thread.detachNewThread { [self] in
            do { _ = try streamURL(for: id, now: Date(), deadline: Date().addingTimeInterval(Double(settings.timeoutMilliseconds) / 1000)) } catch {
                logger.debug("catalogue warm-up failed", metadata: ["video": "\(id.value)", "why": "\(error)"])
            }
        }
    }

    /// Not one of the seed's keys: Piped's stream addresses expire, so they live minutes, not an hour.
    static func streamKey(_ id: PipedID) -> String { "stream:\(id.value)" }

    // MARK: - Fetching

    private struct Video {
        let track: CatalogueEntry?
        let related: [CatalogueEntry]
        let stream: String?
    }

    /// GET /streams/{id}, once per video at a time: keeps the video and its related ones in
    /// `tracks`, caches the recommendations (1 h) and the chosen stream address (minutes).
    private func video(_ id: PipedID, now: Date, deadline: Date) throws -> Video {
        try flights.run("streams:\(id.value)", wait: waitForFlight, late: self.tooSlow) {
            let page = try call("streams", now: now) { () throws(PipedClient.Failure) in try client.streams(id, deadline: deadline) }
            let related = try keep(page.related.filter { $0.pipedID != id })
            var track: CatalogueEntry? = nil
            if let own = page.track {
                track = CatalogueEntry(id: try database.withConnection { try TrackStore.insertIfMissing(own, on: $0) }, track: own)
            }
            let key = CatalogueCacheKey.recommendations(id)
            cache.set(key.key, related, ttl: key.ttl)
            var stream: String? = nil
            if !page.livestream, let choice = AudioStreamChoice.best(audio: page.audio, muxed: page.muxed),
                let url = playable(choice.url)
            {
                stream = url
                cache.set(Self.streamKey(id), text: url, ttl: Self.streamTTL(url, now: Date()))
            }
            return Video(track: track, related: related, stream: stream)
        }
    }

    /// An answer from the cache, or fetched (once per key at a time) and cached.
    private func cached<T: Codable>(_ key: CatalogueCacheKey, _ type: T.Type, now: Date, fetch: () throws -> T) throws -> T {
        if let hit = cache.get(T.self, key.key) { return hit }
        return try flights.run(key.key, wait: waitForFlight, late: self.tooSlow) {
            let value = try fetch()
            cache.set(key.key, value, ttl: key.ttl)
            return value
        }
    }

    /// Long enough for the flight under way to finish.
    private var waitForFlight: TimeInterval { Double(settings.timeoutMilliseconds) * 1.5 / 1000 + 0.5 }

    private var tooSlow: SoundtrackRefusal {
        .catalogueUnavailable("The music catalogue is slow to answer right now. Try again in a few seconds.")
    }

    /// One call to the instance through the gate; a failure becomes a refusal in words.
    private func call<T>(_ what: String, now: Date, _ body: () throws(PipedClient.Failure) -> T) throws(SoundtrackRefusal) -> T {
        if let closed = gate.enter(now: now) {
            switch closed {
            case .coolingOff(let seconds):
                throw .catalogueUnavailable(
                    "The music catalogue is not answering right now. Try again in \(seconds == 1 ? "a second" : "\(seconds) seconds").")
            case .busy:
                throw .catalogueUnavailable("The music catalogue is busy. Try again in a few seconds.")
            }
        }
        do {
            let value = try body()
            gate.leave(instanceFault: false)
            return value
        } catch {
            gate.leave(instanceFault: error.isInstanceFault)
            logger.warning("catalogue call failed", metadata: ["call": "\(what)", "why": "\(error)"])
            throw .catalogueUnavailable(Self.words(error, timeout: settings.timeoutMilliseconds))
        }
    }

    static func words(_ failure: PipedClient.Failure, timeout: Int) -> String {
        switch failure {
        case .timedOut:
            let limit = timeout % 1000 == 0 ? "\(timeout / 1000) seconds" : "\(timeout) ms"
            return "The music catalogue did not answer within \(limit). Try again in a moment."
        case .unreachable: return "The music catalogue cannot be reached right now. Try again in a moment."
        case .status(let code) where code >= 500:
            return "The music catalogue is having trouble (it answered with an error). Try again in a moment."
        case .status: return "The music catalogue refused the question."
        case .malformed: return "The music catalogue sent an answer that could not be read. Try again in a moment."
        }
    }

    /// Keeps the tracks in `tracks`; the entries in the instance's order, with their ids.
    private func keep(_ tracks: [TrackStore.CatalogueTrack]) throws -> [CatalogueEntry] {
        let ids = try database.withConnection { try TrackStore.upsertAll(tracks, on: $0) }
        var seen = Set<PipedID>()
        return tracks.compactMap { track in
            guard seen.insert(track.pipedID).inserted, let id = ids[track.pipedID] else { return nil }
            return CatalogueEntry(id: id, track: track)
        }
    }

    /// A stream address we redirect browsers to: https, or on the instance's own origin (a
    /// local instance), printable ASCII without quotes; anything else is no address at all.
    private func playable(_ url: String) -> String? {
        guard url.utf8.count <= 4096, url.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "\"") }),
            let host = URLComponents(string: url)?.host, !host.isEmpty
        else { return nil }
        let lower = url.lowercased()
        if lower.hasPrefix("https://") { return url }
        return lower.hasPrefix(settings.origin.lowercased() + "/") ? url : nil
    }

    /// Ten minutes, or less when the address says it expires sooner (`expire=<unix seconds>`
    /// in YouTube's and Piped's stream addresses), with a minute of margin.
    static func streamTTL(_ url: String, now: Date) -> Int {
        let tenMinutes = 600
        guard let items = URLComponents(string: url)?.queryItems,
            let expire = items.first(where: { $0.name == "expire" })?.value.flatMap({ Double($0) })
        else { return tenMinutes }
        return max(30, min(tenMinutes, Int(expire - now.timeIntervalSince1970) - 60))
    }
}
