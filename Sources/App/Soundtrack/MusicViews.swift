import Domain
import Postgres
import Web

/// What the library, playlist and liked-songs pages share with the catalogue's: the header
/// (`partials/catalogue_head`: the music navigation, search, and the room a page was opened from,
/// `?room=CODE`, read by `CatalogueViews.room`), the rows of tracks with their forms, and where a
/// one-click form leads back to.
enum MusicViews {
    /// The room a page at `path` was opened from, and the refusal when `?room=` is not a room code.
    static func room(_ ctx: RequestContext, path: String) -> (room: CatalogueViews.Room?, error: String?) {
        CatalogueViews.room(ctx) { code in link(path, room: code) }
    }

    /// `path` with the room kept (and a page number past the first).
    static func link(_ path: String, room: String?, page: Int = 1) -> String {
        var query: [String] = []
        if let room { query.append("room=" + room) }
        if page > 1 { query.append("page=\(page)") }
        return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
    }

    /// The header's context, the note after "Queue in the room" came back here, and the status:
    /// 422 when `?room=` was not a room code (the page still shows, without room forms).
    static func head(
        _ ctx: RequestContext, _ room: (room: CatalogueViews.Room?, error: String?), shown: [Track]
    )
        -> (TemplateContext, HTTPStatus)
    {
        var context = CatalogueViews.roomContext(room.room, error: room.error)
        if let note = CatalogueViews.queuedNote(ctx, among: shown.map { ($0.id, $0.title) }, room: room.room) {
            context["queued"] = .text(note)
        }
        return (context, room.error == nil ? .ok : .unprocessableEntity)
    }

    /// Where a one-click form (like, add to a playlist) leads back to: its `next` if that is a
    /// local path, else `fallback`.
    static func back(_ ctx: RequestContext, fallback: String, anchor: String? = nil) throws -> Outcome {
        let raw = try ctx.field("next")
        var target = raw.isEmpty ? fallback : AccountFlow.safeNext(raw)
        if target == "/me" && raw != "/me" { target = fallback }
        if let anchor, !target.contains("#") { target += "#" + anchor }
        return .response(.redirect(to: target))
    }

    /// What a signed-in viewer's rows need: which of the tracks they like and their playlists.
    struct Viewer {
        let liked: Set<String>
        let playlists: [Playlist]
    }

    static func viewer(_ user: CurrentUser?, tracks: [Track], on conn: PostgresConnection) throws -> Viewer? {
        guard let user else { return nil }
        return Viewer(
            liked: try PlaylistStore.likedAmong(tracks.map(\.id), userID: user.id, on: conn),
            playlists: try PlaylistStore.playlists(userID: user.id, on: conn))
    }

    /// One row per track: its text (escaped by the template), a preview player for library
    /// files, and the forms: queue in the room, like or unlike, add to a playlist.
    static func rows(_ tracks: [Track], viewer: Viewer?, room: CatalogueViews.Room?, next: String) -> [TemplateContext] {
        tracks.map { track in
            var row = keep(track, viewer: viewer, next: next)
            row["track_artist"] = .text(track.artist)
            row["track_album"] = .text(track.album ?? "")
            row["track_duration"] = .text(TrackDuration.text(track.durationSeconds))
            row["track_from_library"] = .bool(track.source == .library)
            row["track_audio"] = .text(track.audioURL)
            row["track_href"] = .text("/music/tracks/\(track.id)" + (room.map { "?" + $0.query } ?? ""))
            if let room {
                row["for_room"] = .text(room.code.display)
                row["queue_next"] = .text(room.back + (room.back.contains("?") ? "&" : "?") + "queued=\(track.id)")
            }
            return row
        }
    }

    /// The forms that keep a track (`partials/music_keep`): like or unlike, add to a playlist;
    /// for a signed-in viewer only. Also on the catalogue's track page.
    static func keep(_ track: Track, viewer: Viewer?, next: String) -> TemplateContext {
        var row: TemplateContext = ["track_id": .text(track.id), "track_title": .text(track.title), "next": .text(next)]
        guard let viewer else { return row }
        row["signed_in_row"] = .bool(true)
        row["track_liked"] = .bool(viewer.liked.contains(track.id))
        if !viewer.playlists.isEmpty {
            row["has_playlist_choices"] = .bool(true)
            row["playlist_choices"] = .list(viewer.playlists.map { ["choice_id": .text($0.id), "choice_name": .text($0.name)] })
        }
        return row
    }

    /// "12 tracks · 43:10".
    static func summary(count: Int, seconds: Int) -> String {
        let tracks = count == 1 ? "1 track" : "\(count) tracks"
        return seconds > 0 ? tracks + " · " + TrackDuration.text(seconds) : tracks
    }
}
