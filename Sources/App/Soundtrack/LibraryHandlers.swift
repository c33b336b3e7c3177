import Domain
import Web

/// /music/library: the self-hosted tracks, newest first, for everyone (a guest host plays them
/// too). Opened from a room (`?room=CODE`), each row can be queued in that room.
enum LibraryHandlers {
    /// GET /music/library (?room=CODE, ?page=N)
    static let page: Handler = { ctx in
        let page = try RoomHandlers.pageNumber(ctx, "page")
        let room = MusicViews.room(ctx, path: "/music/library")
        let user = ctx.userForChrome
        let size = MusicLimits.pageSize
        let (tracks, total, viewer) = try ctx.services.database.withConnection { conn in
            let tracks = try TrackStore.library(limit: size, offset: (page - 1) * size, on: conn)
            return (tracks, try TrackStore.libraryCount(on: conn), try MusicViews.viewer(user, tracks: tracks, on: conn))
        }
        let code = room.room?.code.display
        var (context, status) = MusicViews.head(ctx, room, shown: tracks)
        context["tracks"] = .list(
            MusicViews.rows(tracks, viewer: viewer, room: room.room, next: MusicViews.link("/music/library", room: code, page: page)))
        context["has_tracks"] = .bool(!tracks.isEmpty)
        context["library_count"] = .text(total == 1 ? "1 track" : "\(total) tracks")
        if page > 1 { context["previous_page"] = .text(MusicViews.link("/music/library", room: code, page: page - 1)) }
        if page * size < total { context["next_page"] = .text(MusicViews.link("/music/library", room: code, page: page + 1)) }
        if user?.isAdmin == true { context["can_upload"] = .bool(true) }
        return Views.page("music_library", title: "Library", context, ctx: ctx, status: status)
    }
}
