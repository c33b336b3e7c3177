import Domain
import Foundation
import Web

/// A playlist's tracks: adding one (from any page that lists tracks), taking one out, and
/// moving one to another place. Each checks the playlist is the signed-in account's.
enum PlaylistTrackHandlers {
    /// A track id from the path; anything that is not an id is a missing track.
    static func trackID(_ raw: String) throws -> String {
        guard raw.utf8.count == 36, let uuid = UUID(uuidString: raw) else { throw SoundtrackRefusal.notFound }
        return uuid.uuidString.lowercased()
    }

    /// POST /music/tracks/:id/playlist (playlist_id, next): at the end of that playlist; a track
    /// already in it stays where it is.
    static let add: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let track = try trackID(ctx.request.parameter("id"))
        let playlist = try trackID(try ctx.field("playlist_id"))
        try ctx.services.database.transaction { conn in
            guard try TrackStore.find(id: track, on: conn) != nil, let size = try PlaylistStore.lockedSize(playlist, userID: user.id, on: conn)
            else { throw SoundtrackRefusal.notFound }
            if size >= MusicLimits.tracksPerPlaylist {
                throw SoundtrackRefusal.invalid(
                    "That playlist holds \(MusicLimits.tracksPerPlaylist) tracks, the most a playlist can. Make another one.")
            }
            _ = try PlaylistStore.append(trackID: track, playlistID: playlist, on: conn)
        }
        return try MusicViews.back(ctx, fallback: "/music/playlists/\(playlist)", anchor: "track-\(track)")
    }

    /// POST /music/playlists/:id/tracks/:track/remove
    static let remove: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let playlist = try PlaylistHandlers.playlistID(ctx)
        let track = try trackID(ctx.request.parameter("track"))
        guard
            try ctx.services.database.transaction({
                try PlaylistStore.remove(trackID: track, playlistID: playlist, userID: user.id, on: $0)
            })
        else { throw SoundtrackRefusal.notFound }
        return .response(.redirect(to: MusicViews.link("/music/playlists/\(playlist)", room: RoomCode(parsing: try ctx.field("room"))?.display)))
    }

    /// POST /music/playlists/:id/tracks/:track/move (to=N, 1-based): the ↑/↓ buttons send the
    /// neighbour's place; a place past the end means the end.
    static let move: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let playlist = try PlaylistHandlers.playlistID(ctx)
        let track = try trackID(ctx.request.parameter("track"))
        let to = try PlaylistPosition.parse(try ctx.field("to"))
        try ctx.services.database.transaction { conn in
            guard try PlaylistStore.lockedSize(playlist, userID: user.id, on: conn) != nil,
                let order = PlaylistPosition.move(track, to: to, in: try PlaylistStore.order(playlistID: playlist, on: conn))
            else { throw SoundtrackRefusal.notFound }
            try PlaylistStore.setOrder(playlistID: playlist, order, on: conn)
        }
        let room = RoomCode(parsing: try ctx.field("room"))
        return .response(.redirect(to: MusicViews.link("/music/playlists/\(playlist)", room: room?.display) + "#track-\(track)"))
    }
}
