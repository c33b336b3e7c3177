import Domain
import Foundation
import Web

/// /music/playlists: an account's playlists. Making, renaming and deleting them; one playlist's
/// page lists its tracks with ↑/↓ and remove, and offers to play it in a room. Someone else's
/// playlist id answers exactly like a missing one (404), and nothing changes.
enum PlaylistHandlers {
    /// GET /music/playlists (?room=CODE)
    static let list: Handler = { ctx in try listPage(ctx) }

    static func listPage(_ ctx: RequestContext, error: String? = nil, typed: String = "") throws -> Outcome {
        let user = try AccountFlow.signedInUser(ctx)
        let room = MusicViews.room(ctx, path: "/music/playlists")
        let code = room.room?.code.display
        let playlists = try ctx.services.database.withConnection { try PlaylistStore.playlists(userID: user.id, on: $0) }
        var (context, status) = MusicViews.head(ctx, room, shown: [])
        context["playlists"] = .list(
            playlists.map { p in
                [
                    "playlist_href": .text(MusicViews.link("/music/playlists/\(p.id)", room: code)), "playlist_name": .text(p.name),
                    "playlist_summary": .text(MusicViews.summary(count: p.trackCount, seconds: p.seconds)),
                ]
            })
        context["has_playlists"] = .bool(!playlists.isEmpty)
        context["name_input"] = .text(typed)
        context["name_max"] = .text(String(MusicLimits.playlistNameLength))
        context["playlists_limit"] = .text(String(MusicLimits.playlists))
        if let error { context["playlist_error"] = .text(error) }
        return Views.page("music_playlists", title: "My playlists", context, ctx: ctx, status: error == nil ? status : .unprocessableEntity)
    }

    /// POST /music/playlists (name, room): a new playlist, then its page.
    static let create: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let raw = try ctx.field("name")
        let room = RoomCode(parsing: try ctx.field("room"))
        do {
            let name = try PlaylistName.clean(raw)
            let id = try ctx.services.database.transaction { conn -> String in
                try PlaylistStore.lockOwner(user.id, on: conn)
                if try PlaylistStore.playlistCount(userID: user.id, on: conn) >= MusicLimits.playlists {
                    throw SoundtrackRefusal.invalid("You have \(MusicLimits.playlists) playlists, the most an account can have. Delete one first.")
                }
                return try PlaylistStore.create(userID: user.id, name: name, on: conn)
            }
            return .response(.redirect(to: MusicViews.link("/music/playlists/\(id)", room: room?.display)))
        } catch SoundtrackRefusal.invalid(let why) {
            return try listPage(ctx, error: why, typed: raw)
        }
    }

    /// The playlist id in the path, lower case; anything that is not an id is a missing playlist.
    static func playlistID(_ ctx: RequestContext) throws -> String {
        let raw = ctx.request.parameter("id")
        guard raw.utf8.count == 36, let uuid = UUID(uuidString: raw) else { throw SoundtrackRefusal.notFound }
        return uuid.uuidString.lowercased()
    }

    /// GET /music/playlists/:id (?room=CODE)
    static let show: Handler = { ctx in try showPage(ctx) }

    static func showPage(_ ctx: RequestContext, error: String? = nil, typed: String? = nil) throws -> Outcome {
        let user = try AccountFlow.signedInUser(ctx)
        let id = try playlistID(ctx)
        let room = MusicViews.room(ctx, path: "/music/playlists/\(id)")
        let found = try ctx.services.database.withConnection { conn -> (Playlist, [Track], MusicViews.Viewer?)? in
            guard let playlist = try PlaylistStore.playlist(id, userID: user.id, on: conn) else { return nil }
            let tracks = try PlaylistStore.tracks(playlistID: id, userID: user.id, on: conn)
            return (playlist, tracks, try MusicViews.viewer(user, tracks: tracks, on: conn))
        }
        guard let (playlist, tracks, viewer) = found else { throw SoundtrackRefusal.notFound }
        let code = room.room?.code.display
        let here = MusicViews.link("/music/playlists/\(id)", room: code)
        var (context, status) = MusicViews.head(ctx, room, shown: tracks)
        var rows = MusicViews.rows(tracks, viewer: viewer, room: room.room, next: here)
        for index in rows.indices {
            rows[index]["in_playlist"] = .text(id)
            rows[index]["place"] = .text(String(index + 1))
            if index > 0 { rows[index]["place_up"] = .text(String(index)) }
            if index + 1 < rows.count { rows[index]["place_down"] = .text(String(index + 2)) }
        }
        context["tracks"] = .list(rows)
        context["has_tracks"] = .bool(!tracks.isEmpty)
        context["playlist_id"] = .text(id)
        context["playlist_name"] = .text(playlist.name)
        context["playlist_summary"] = .text(MusicViews.summary(count: playlist.trackCount, seconds: playlist.seconds))
        context["rename_input"] = .text(typed ?? playlist.name)
        context["name_max"] = .text(String(MusicLimits.playlistNameLength))
        context["here"] = .text(here)
        if let code { context["for_room"] = .text(code) }
        if let error { context["playlist_error"] = .text(error) }
        return Views.page("music_playlist", title: playlist.name, context, ctx: ctx, status: error == nil ? status : .unprocessableEntity)
    }

    /// POST /music/playlists/:id (name)
    static let rename: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let id = try playlistID(ctx)
        let raw = try ctx.field("name")
        let room = RoomCode(parsing: try ctx.field("room"))
        do {
            let name = try PlaylistName.clean(raw)
            guard try ctx.services.database.transaction({ try PlaylistStore.rename(id, userID: user.id, name: name, on: $0) }) else {
                throw SoundtrackRefusal.notFound
            }
            return .response(.redirect(to: MusicViews.link("/music/playlists/\(id)", room: room?.display)))
        } catch SoundtrackRefusal.invalid(let why) {
            return try showPage(ctx, error: why, typed: raw)
        }
    }

    /// POST /music/playlists/:id/delete: the playlist goes; its tracks stay in the catalogue,
    /// the library and other playlists.
    static let delete: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let id = try playlistID(ctx)
        let room = RoomCode(parsing: try ctx.field("room"))
        guard try ctx.services.database.transaction({ try PlaylistStore.delete(id, userID: user.id, on: $0) }) else {
            throw SoundtrackRefusal.notFound
        }
        return .response(.redirect(to: MusicViews.link("/music/playlists", room: room?.display)))
    }
}
