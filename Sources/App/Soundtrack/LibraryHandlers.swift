import Domain
import Web

/// /music/library: the self-hosted tracks, newest first, for everyone (a guest host plays them
/// too). Opened from a room (`?room=CODE`), each row can be added to that room's queue.
enum LibraryHandlers {
    /// GET /music/library (?room=CODE, ?page=N)
    static let page: Handler = { ctx in
        let page = try RoomHandlers.pageNumber(ctx, "page")
        let room = MusicViews.room(ctx)
        let user = ctx.userForChrome
        let size = MusicLimits.pageSize
        let (tracks, total, viewer) = try ctx.services.database.withConnection { conn in
            let tracks = try TrackStore.library(limit: size, offset: (page - 1) * size, on: conn)
            return (tracks, try TrackStore.libraryCount(on: conn), try MusicViews.viewer(user, tracks: tracks, on: conn))
        }
        let here = MusicViews.link("/music/library", room: room, page: page)
        var context = MusicViews.nav(room: room, current: "/music/library", signedIn: user != nil)
        context["tracks"] = MusicViews.rows(tracks, viewer: viewer, room: room, next: here)
        context["has_tracks"] = .bool(!tracks.isEmpty)
        context["library_count"] = .text(total == 1 ? "1 track" : "\(total) tracks")
        if page > 1 { context["previous_page"] = .text(MusicViews.link("/music/library", room: room, page: page - 1)) }
        if page * size < total { context["next_page"] = .text(MusicViews.link("/music/library", room: room, page: page + 1)) }
        if user?.isAdmin == true { context["can_upload"] = .bool(true) }
        return Views.page("music_library", title: "Library", context, ctx: ctx)
    }
}
