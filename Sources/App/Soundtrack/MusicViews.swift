import Domain
import Postgres
import Web

/// What the library, playlist and liked-songs pages share: the room a page was opened from
/// (`?room=CODE`, so each row offers "add to room"), the rows of tracks with their forms, and
/// where a one-click form leads back to.
enum MusicViews {
    /// The room a music page was opened from. A code that is not a room code is ignored (the
    /// page then offers no room forms); whether the room exists is the queue route's answer.
    static func room(_ ctx: RequestContext) -> RoomCode? {
        guard let raw = (try? ctx.request.query.value("room")) ?? nil else { return nil }
        return RoomCode(parsing: raw)
    }

    /// `path` with the room kept (and a page number past the first).
    static func link(_ path: String, room: RoomCode?, page: Int = 1) -> String {
        var query: [String] = []
        if let room { query.append("room=" + room.display) }
        if page > 1 { query.append("page=\(page)") }
        return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
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

    /// The navigation between the music pages, and the way back to the room.
    static func nav(room: RoomCode?, current: String, signedIn: Bool) -> TemplateContext {
        let pages: [(String, String, Bool)] = [
            ("/music", "Catalogue", true), ("/music/library", "Library", true), ("/music/playlists", "My playlists", signedIn),
            ("/music/liked", "Liked songs", signedIn),
        ]
        var context: TemplateContext = [
            "music_pages": .list(
                pages.filter(\.2).map { path, label, _ in
                    ["href": .text(link(path, room: room)), "label": .text(label), "current": .bool(path == current)]
                })
        ]
        if let room { context["from_room"] = .object(["code": .text(room.display)]) }
        return context
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
    /// files, and the forms: add to the room, like or unlike, add to a playlist.
    static func rows(_ tracks: [Track], viewer: Viewer?, room: RoomCode?, next: String) -> TemplateValue {
        .list(
            tracks.map { track in
                var row: TemplateContext = [
                    "track_id": .text(track.id), "track_title": .text(track.title), "track_artist": .text(track.artist),
                    "track_album": .text(track.album ?? ""), "track_duration": .text(TrackDuration.text(track.durationSeconds)),
                    "track_from_library": .bool(track.source == .library), "track_audio": .text(track.audioURL),
                    "next": .text(next),
                ]
                if let room { row["queue_room"] = .text(room.display) }
                if let viewer {
                    row["signed_in_row"] = .bool(true)
                    row["track_liked"] = .bool(viewer.liked.contains(track.id))
                    if !viewer.playlists.isEmpty {
                        row["has_playlist_choices"] = .bool(true)
                        row["playlist_choices"] = .list(
                            viewer.playlists.map { ["choice_id": .text($0.id), "choice_name": .text($0.name)] })
                    }
                }
                return row
            })
    }

    /// "12 tracks · 43:10".
    static func summary(count: Int, seconds: Int) -> String {
        let tracks = count == 1 ? "1 track" : "\(count) tracks"
        return seconds > 0 ? tracks + " · " + TrackDuration.text(seconds) : tracks
    }
}
