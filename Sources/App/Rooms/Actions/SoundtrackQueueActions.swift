import Domain
import Foundation
import Postgres
import Web

/// The room's queue of tracks: anyone in the room adds (a guest's add is a proposal, if the host
/// takes them); the host or a DJ accepts, rejects, reorders and removes.
enum SoundtrackQueueActions {
    /// POST /r/:code/soundtrack/queue with ONE of `track_id`, `playlist_id` (the poster's own,
    /// queued in order) or `liked=1` (their latest liked songs), and `next`: where to go after,
    /// if it is a local path (the catalogue's and library's forms send their own page).
    static let add: Handler = { ctx in
        let (trackID, playlistID, liked) = (try ctx.field("track_id"), try ctx.field("playlist_id"), try ctx.field("liked"))
        let next = try ctx.field("next")
        let code = try RoomHandlers.parseCode(ctx)
        let location = !next.isEmpty && AccountFlow.safeNext(next) == next ? next : "/r/\(code.display)#soundtrack"
        // A guest's add is a proposal: counted like the room's other proposals, before any work.
        let me = try RoomHandlers.present(ctx, code).member(for: ctx.session)
        if let me, me.role != .host, !me.isDJ, let refusal = try RoomHandlers.limited(ctx, code, ctx.services.config.rateLimits.proposals) {
            return refusal
        }
        let userID = try ctx.user?.id
        return try RoomAction.act(ctx, location: location) { conn, room in
            guard [trackID, playlistID, liked].filter({ !$0.isEmpty }).count == 1 else {
                throw SoundtrackRefusal.invalid("Choose one thing to add: a track, a playlist or your liked songs.")
            }
            if !trackID.isEmpty {
                guard let track = try TrackStore.find(id: trackID, on: conn) else { throw SoundtrackRefusal.notFound }
                return try RoomQueueStore.add(
                    [track.id], nothing: "“\(track.title)” has no known length (a live stream?), so the room cannot play it in step.",
                    room: room, on: conn)
            }
            if !playlistID.isEmpty {
                // A guest has no playlists: theirs is as missing as anyone else's.
                guard let userID else { throw SoundtrackRefusal.notFound }
                return try RoomQueueStore.add(
                    try PlaylistStore.trackIDs(playlistID: playlistID, userID: userID, on: conn),
                    nothing: "That playlist has no track the room can play yet.", room: room, on: conn)
            }
            guard liked == "1" else { throw SoundtrackRefusal.invalid("To queue your liked songs, send liked=1.") }
            guard let userID else { throw SoundtrackRefusal.invalid("Sign in to queue your liked songs.") }
            return try RoomQueueStore.add(
                try PlaylistStore.likedTrackIDs(userID: userID, limit: SoundtrackLimits.liked, on: conn),
                nothing: "You have no liked songs the room can play yet.", room: room, on: conn)
        }
    }

    /// POST /r/:code/soundtrack/entries/:id/accept
    static let accept: Handler = { ctx in
        try RoomAction.act(ctx, anchor: "#soundtrack") { conn, room in try RoomQueueStore.accept(RoomAction.id(ctx), room: room, on: conn) }
    }

    /// POST /r/:code/soundtrack/entries/:id/reject
    static let reject: Handler = { ctx in
        try RoomAction.act(ctx, anchor: "#soundtrack") { conn, room in try RoomQueueStore.reject(RoomAction.id(ctx), room: room, on: conn) }
    }

    /// POST /r/:code/soundtrack/entries/:id/delete
    static let remove: Handler = { ctx in
        try RoomAction.act(ctx, anchor: "#soundtrack") { conn, room in try RoomQueueStore.remove(RoomAction.id(ctx), room: room, on: conn) }
    }

    /// POST /r/:code/soundtrack/entries/:id/move (direction=up|down)
    static let move: Handler = { ctx in
        let direction = try ctx.field("direction")
        return try RoomAction.act(ctx, anchor: "#soundtrack") { conn, room in
            try RoomQueueStore.move(RoomAction.id(ctx), try QueueMove(form: direction), room: room, on: conn)
        }
    }
}
