import Domain
import Foundation
import Postgres
import Web

/// The music catalogue's pages: `/music` (home shelves and trending), `/music/search?q=…`,
/// `/music/tracks/{id}` (a track and its recommendations) and `/music/tracks/{id}/stream` (a
/// redirect to the track's audio at the Piped instance). Every page works without JavaScript,
/// shows catalogue text escaped and thumbnails over https only, and keeps working when the
/// instance is off, down or slow, or Redis is down: what can be shown is, with the reason for
/// what cannot.
enum CatalogueHandlers {
    /// GET /music[?room=CODE]
    static let home: Handler = { ctx in
        let (room, roomError) = CatalogueViews.room(ctx) { code in "/music?room=\(code)" }
        var context = CatalogueViews.roomContext(room, error: roomError)
        var status: HTTPStatus = roomError == nil ? .ok : .unprocessableEntity
        var retryAfter: String? = nil
        var shown: [CatalogueEntry] = []
        if let catalogue = ctx.services.catalogue {
            let deadline = catalogue.deadline()
            var problems: [String] = []
            do {
                let shelves = try catalogue.homeShelves(now: ctx.now, deadline: deadline)
                context["shelves"] = .list(
                    shelves.enumerated().map { (i, shelf) in
                        [
                            "list_id": .text("shelf-\(i + 1)"), "shelf_title": .text(shelf.title),
                            "entries": CatalogueViews.entries(shelf.entries, room: room),
                            "more": .text(
                                "/music/search?" + CatalogueViews.query([("q", shelf.query)] + (room.map { [("room", $0.code.display)] } ?? []))),
                        ]
                    })
                shown += shelves.flatMap(\.entries)
            } catch let refusal as SoundtrackRefusal {
                problems.append(refusal.message)
            }
            do {
                let trending = try catalogue.trending(now: ctx.now, deadline: deadline)
                if !trending.isEmpty {
                    context["trending"] = .object(
                        ["list_id": .text("trending"), "entries": CatalogueViews.entries(Array(trending.prefix(20)), room: room)])
                }
                shown += trending
            } catch let refusal as SoundtrackRefusal {
                problems.append(refusal.message)
            }
            if let problem = problems.first {
                context["unavailable"] = .text(problem)
                // Nothing at all to show is an outage; a part missing is a page with a note.
                if shown.isEmpty {
                    status = .serviceUnavailable
                    retryAfter = String(Int(CatalogueSettings.coolOffSeconds))
                }
            }
        } else {
            context["off"] = .bool(true)
        }
        if let note = CatalogueViews.queuedNote(ctx, among: shown.map { ($0.id, $0.title) }, room: room) { context["queued"] = .text(note) }
        return page(ctx, "music", title: "Music", context, status: status, retryAfter: retryAfter)
    }

    /// GET /music/search?q=…[&room=CODE]
    static let search: Handler = { ctx in
        let typed: String?
        do { typed = try ctx.request.query.value("q") } catch { throw SoundtrackRefusal.invalid("Give “q” once.") }
        let (room, roomError) = CatalogueViews.room(ctx) { code in
            "/music/search?" + CatalogueViews.query((typed.map { [("q", $0)] } ?? []) + [("room", code)])
        }
        var context = CatalogueViews.roomContext(room, error: roomError)
        context["search_input"] = .text(typed ?? "")
        var status: HTTPStatus = roomError == nil ? .ok : .unprocessableEntity
        var retryAfter: String? = nil
        guard let catalogue = ctx.services.catalogue else {
            context["off"] = .bool(true)
            return page(ctx, "music_search", title: "Search music", context, status: status)
        }
        guard let typed else { return page(ctx, "music_search", title: "Search music", context, status: status) }
        do {
            let query = try CatalogueQuery(typed)
            context["search_input"] = .text(query.text)
            context["searched"] = .text(query.text)
            let found = try catalogue.search(query, now: ctx.now, deadline: catalogue.deadline())
            context["entries"] = CatalogueViews.entries(found, room: room)
            context["list_id"] = .text("result")
            context["has_results"] = .bool(!found.isEmpty)
            if let note = CatalogueViews.queuedNote(ctx, among: found.map { ($0.id, $0.title) }, room: room) { context["queued"] = .text(note) }
        } catch let refusal as SoundtrackRefusal {
            switch refusal {
            case .catalogueUnavailable(let why):
                context["unavailable"] = .text(why)
                status = .serviceUnavailable
                retryAfter = String(Int(CatalogueSettings.coolOffSeconds))
            default:
                context["search_error"] = .text(refusal.message)
                status = .unprocessableEntity
                // A search this long is not put back into the form.
                if typed.count > CatalogueQuery.maxInput { context["search_input"] = .text("") }
            }
        }
        let title = (context["searched"].flatMap { if case .text(let s) = $0 { s } else { nil } }).map { "“\($0)” · Search music" }
        return page(ctx, "music_search", title: title ?? "Search music", context, status: status, retryAfter: retryAfter)
    }

    /// GET /music/tracks/:id[?room=CODE]: `id` is a track's id; a YouTube video id is looked up
    /// (asking the catalogue when it was never seen) and redirected to its track's page.
    static let track: Handler = { ctx in
        let raw = ctx.request.parameter("id")
        if UUID(uuidString: raw) == nil {
            guard let video = PipedID(raw) else { throw SoundtrackRefusal.notFound }
            return .response(.redirect(to: try trackPath(for: video, ctx) + keptRoomQuery(ctx), status: .found))
        }
        guard let track = try ctx.services.database.withConnection({ try TrackStore.find(id: raw, on: $0) }) else {
            throw SoundtrackRefusal.notFound
        }
        let (room, roomError) = CatalogueViews.room(ctx) { code in "/music/tracks/\(track.id)?room=\(code)" }
        var context = CatalogueViews.roomContext(room, error: roomError)
        context["track"] = .object(
            CatalogueViews.entry(
                id: track.id, title: track.title, artist: track.artist, thumbnail: track.thumbnailURL, duration: track.durationSeconds,
                room: room))
        context["audio_url"] = .text(track.audioURL)
        context["album"] = .text(track.album ?? "")
        context["from_library"] = .bool(track.source == .library)
        var related: [CatalogueEntry] = []
        if let video = track.pipedID {
            if let catalogue = ctx.services.catalogue {
                do {
                    related = try catalogue.recommendations(for: video, now: ctx.now, deadline: catalogue.deadline())
                    context["entries"] = CatalogueViews.entries(related, room: room)
                    context["list_id"] = .text("related")
                    context["has_related"] = .bool(!related.isEmpty)
                } catch let refusal as SoundtrackRefusal {
                    context["unavailable"] = .text(refusal.message)
                }
            } else {
                context["off"] = .bool(true)
            }
        }
        // Like it or add it to a playlist (the library's forms), for a signed-in viewer.
        if let user = ctx.userForChrome {
            let viewer = try ctx.services.database.withConnection { try MusicViews.viewer(user, tracks: [track], on: $0) }
            context["keep"] = .object(MusicViews.keep(track, viewer: viewer, next: "/music/tracks/\(track.id)" + (room.map { "?" + $0.query } ?? "")))
        }
        let shown = [(track.id, track.title)] + related.map { ($0.id, $0.title) }
        if let note = CatalogueViews.queuedNote(ctx, among: shown, room: room) { context["queued"] = .text(note) }
        return page(ctx, "music_track", title: track.title, context, status: roomError == nil ? .ok : .unprocessableEntity)
    }

    /// GET /music/tracks/:id/stream: 302 to the track's audio. A catalogue track goes to the
    /// audio-only stream Piped offers (AudioStreamChoice), cached for minutes in Redis and for
    /// one minute in the browser (Piped's addresses expire); a library track to its file.
    static let stream: Handler = { ctx in
        guard let track = try ctx.services.database.withConnection({ try TrackStore.find(id: ctx.request.parameter("id"), on: $0) }) else {
            throw SoundtrackRefusal.notFound
        }
        guard let video = track.pipedID else { return .response(.redirect(to: track.audioURL, status: .found)) }
        guard let catalogue = ctx.services.catalogue else {
            throw SoundtrackRefusal.catalogueUnavailable("The music catalogue is off on this server, so its tracks cannot play.")
        }
        let url = try catalogue.streamURL(for: video, now: ctx.now, deadline: catalogue.deadline())
        return .response(
            Response(
                status: .found,
                headers: [("Location", url), ("Cache-Control", "private, max-age=60")]))
    }

    /// The track page of a video id: its row if seen, else what the catalogue says of it.
    private static func trackPath(for video: PipedID, _ ctx: RequestContext) throws -> String {
        if let known = try ctx.services.database.withConnection({ try TrackStore.find(pipedID: video, on: $0) }) {
            return "/music/tracks/\(known.id)"
        }
        guard let catalogue = ctx.services.catalogue else { throw SoundtrackRefusal.notFound }
        guard let id = try catalogue.trackID(for: video, now: ctx.now, deadline: catalogue.deadline()) else {
            throw SoundtrackRefusal.notFound
        }
        return "/music/tracks/\(id)"
    }

    private static func keptRoomQuery(_ ctx: RequestContext) -> String {
        guard let raw = (try? ctx.request.query.value("room")) ?? nil, let code = RoomCode(parsing: raw) else { return "" }
        return "?room=\(code.display)"
    }

    /// A catalogue page: thumbnails and previews may come from the catalogue's hosts.
    private static func page(
        _ ctx: RequestContext, _ name: String, title: String, _ context: TemplateContext, status: HTTPStatus, retryAfter: String? = nil
    ) -> Outcome {
        var response = Views.page(name, title: title, context, for: ctx, services: ctx.services, status: status)
        if let settings = ctx.services.config.catalogue { response.mediaSources = settings.mediaSources }
        if let retryAfter { response.addHeader("Retry-After", retryAfter) }
        return .response(response)
    }
}
