import Domain
import Web

/// Template contexts of the music catalogue's pages: track lists with their links and, when the
/// page was opened from a room (`?room=CODE`), a "Queue in the room" form per track posting to
/// that room's soundtrack queue (`POST /r/{CODE}/soundtrack/queue`, the room's handler).
enum CatalogueViews {
    /// Where the page was opened from, if a room: the queue forms' target and the links' tail.
    struct Room {
        let code: RoomCode
        /// The page itself, to come back to after queueing (`next`), without `queued=`.
        let back: String

        var queueAction: String { "/r/\(code.display)/soundtrack/queue" }
        var query: String { "room=\(code.display)" }
    }

    /// `?room=` as the query gives it: nil when absent; a refusal message when it is not a room code.
    static func room(_ ctx: RequestContext, back: (String) -> String) -> (room: Room?, error: String?) {
        guard let raw = (try? ctx.request.query.value("room")) ?? nil, !raw.isEmpty else { return (nil, nil) }
        guard let code = RoomCode(parsing: raw) else {
            return (nil, "“room” is not a room code (like ABC-DEF), so tracks cannot be queued from this page.")
        }
        return (Room(code: code, back: back(code.display)), nil)
    }

    /// The list a partial shows (`partials/catalogue_tracks` iterates `entries`).
    static func entries(_ entries: [CatalogueEntry], room: Room?) -> TemplateValue {
        .list(entries.map { entry(id: $0.id, title: $0.title, artist: $0.artist, thumbnail: $0.thumbnail, duration: $0.duration, room: room) })
    }

    static func entry(id: String, title: String, artist: String, thumbnail: String?, duration: Int, room: Room?) -> TemplateContext {
        var context: TemplateContext = [
            "id": .text(id), "title": .text(title), "artist": .text(artist), "duration": .text(clock(duration)),
            "duration_iso": .text("PT\(duration)S"),
            "href": .text("/music/tracks/\(id)" + (room.map { "?" + $0.query } ?? "")),
        ]
        if let thumbnail, thumbnail.hasPrefix("https://") { context["thumbnail"] = .text(thumbnail) }
        if let room {
            context["queue_action"] = .text(room.queueAction)
            context["queue_next"] = .text(room.back + (room.back.contains("?") ? "&" : "?") + "queued=\(id)")
        }
        return context
    }

    /// What every catalogue page carries about the room it was opened from.
    static func roomContext(_ room: Room?, error: String?) -> TemplateContext {
        var context: TemplateContext = [:]
        if let room {
            context["queue_room"] = .object(["code": .text(room.code.display), "link": .text("/r/\(room.code.display)")])
            context["room_field"] = .text(room.code.display)
            context["room_query"] = .text("?" + room.query)
        }
        if let error { context["room_error"] = .text(error) }
        return context
    }

    /// 3:07, 1:02:03.
    static func clock(_ seconds: Int) -> String {
        let s = max(0, seconds)
        let (h, m, r) = (s / 3600, s / 60 % 60, s % 60)
        let mm = h > 0 && m < 10 ? "0\(m)" : "\(m)"
        return (h > 0 ? "\(h):" : "") + mm + ":" + (r < 10 ? "0\(r)" : "\(r)")
    }

    /// `?queued=<track id>` after a "Queue in the room" form came back here: the track's title
    /// when this page lists it.
    static func queuedNote(_ ctx: RequestContext, among shown: [(id: String, title: String)], room: Room?) -> String? {
        guard let room, let id = (try? ctx.request.query.value("queued")) ?? nil, id.utf8.count == 36 else { return nil }
        if let entry = shown.first(where: { $0.id == id.lowercased() }) {
            return "Queued “\(entry.title)” in room \(room.code.display)."
        }
        return "Queued in room \(room.code.display)."
    }

    /// `a=1&b=x%20y`.
    static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\(PercentDecoding.encode($0.1))" }.joined(separator: "&")
    }
}
