import Domain
import Web

/// Liked songs: one click on any row likes or unlikes a track (once per account and track, by
/// the table's key), and /music/liked lists them, most recently liked first.
enum LikedHandlers {
    /// GET /music/liked (?room=CODE, ?page=N)
    static let page: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let page = try RoomHandlers.pageNumber(ctx, "page")
        let room = MusicViews.room(ctx, path: "/music/liked")
        let size = MusicLimits.pageSize
        let (tracks, total, viewer) = try ctx.services.database.withConnection { conn in
            let tracks = try PlaylistStore.liked(userID: user.id, limit: size, offset: (page - 1) * size, on: conn)
            return (tracks, try PlaylistStore.likedCount(userID: user.id, on: conn), try MusicViews.viewer(user, tracks: tracks, on: conn))
        }
        let code = room.room?.code.display
        let here = MusicViews.link("/music/liked", room: code, page: page)
        var (context, status) = MusicViews.head(ctx, room, shown: tracks)
        context["tracks"] = .list(MusicViews.rows(tracks, viewer: viewer, room: room.room, next: here))
        context["has_tracks"] = .bool(!tracks.isEmpty)
        context["liked_count"] = .text(total == 1 ? "1 song" : "\(total) songs")
        if let code, total > 0 { context["for_room"] = .text(code) }
        context["here"] = .text(here)
        if page > 1 { context["previous_page"] = .text(MusicViews.link("/music/liked", room: code, page: page - 1)) }
        if page * size < total { context["next_page"] = .text(MusicViews.link("/music/liked", room: code, page: page + 1)) }
        return Views.page("music_liked", title: "Liked songs", context, ctx: ctx, status: status)
    }

    /// POST /music/tracks/:id/like (next)
    static let like: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let track = try PlaylistTrackHandlers.trackID(ctx.request.parameter("id"))
        try ctx.services.database.transaction { conn in
            guard try TrackStore.find(id: track, on: conn) != nil else { throw SoundtrackRefusal.notFound }
            try PlaylistStore.lockOwner(user.id, on: conn)
            if try PlaylistStore.likedCount(userID: user.id, on: conn) >= MusicLimits.likedTracks {
                throw SoundtrackRefusal.invalid("You have liked \(MusicLimits.likedTracks) songs, the most an account can. Unlike some first.")
            }
            _ = try PlaylistStore.like(trackID: track, userID: user.id, on: conn)
        }
        return try MusicViews.back(ctx, fallback: "/music/liked", anchor: "track-\(track)")
    }

    /// POST /music/tracks/:id/unlike (next): unliking a song that is not liked changes nothing.
    static let unlike: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let track = try PlaylistTrackHandlers.trackID(ctx.request.parameter("id"))
        _ = try ctx.services.database.transaction { try PlaylistStore.unlike(trackID: track, userID: user.id, on: $0) }
        return try MusicViews.back(ctx, fallback: "/music/liked", anchor: "track-\(track)")
    }
}
