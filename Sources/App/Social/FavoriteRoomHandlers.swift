import Domain
import Web

/// Favorite rooms on /me: the list with each room's live status, "Start again" for one that
/// expired, and unstarring. (Starring happens in the room: `RoomSocialActions`.)
enum FavoriteRoomHandlers {
    /// The /me section: one statement for all of them.
    static func dashboardContext(_ ctx: RequestContext, userID: String) throws -> TemplateContext {
        let favorites = try FavoriteRoomStore(database: ctx.services.database).list(userID: userID)
        return [
            "has_favorites": .bool(!favorites.isEmpty),
            "favorites": .list(
                favorites.map { f in
                    [
                        "id": .text(String(f.id)), "code": .text(f.code), "status": .text(f.status.words),
                        "status_name": .text(f.status.name), "expired": .bool(f.status == .expired),
                        "online": .text(f.online == 1 ? "1 person online" : "\(f.online) people online"),
                        "theme": .text(Theme(rawValue: f.theme)?.label ?? f.theme),
                    ]
                }),
        ]
    }

    /// POST /me/favorites/:id/restart: a new room with the expired one's queue and theme, this
    /// account's seat as host, and the favorite pointing at it; then its invite form, with the
    /// friends who were in (or invited to) the old room ticked. A room that still lives is
    /// simply opened.
    static let restart: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        guard let id = NotificationHandlers.noticeID(ctx.request.parameter("id")) else { throw SocialRefusal.noSuchFavorite }
        // Creating a room counts like the home page's form, before anything is read.
        try ctx.limit(ctx.services.config.rateLimits.roomCreations)
        let database = ctx.services.database
        guard let kept = try database.transaction({ try FavoriteRoomStore.restartable(id, userID: user.id, on: $0) }) else {
            throw SocialRefusal.noSuchFavorite
        }
        if let live = kept.liveCode { return .response(.redirect(to: "/r/\(live)")) }
        let name = (try? DisplayName(validating: user.displayName)) ?? (try? DisplayName(validating: user.username))
        guard let name else { throw ClientError.unprocessable("Set a display name in your profile first.") }
        let code = try RoomStore(database: database).create(
            host: ctx.session, hostName: name, theme: kept.theme, queue: kept.queue, lifetimeHours: ctx.services.config.roomLifetimeHours
        ) { conn, roomID, code in
            try FavoriteRoomStore.repoint(id, userID: user.id, roomID: roomID, code: code, on: conn)
        }
        ctx.services.logger.info("room started again", metadata: ["room": "\(code.display)"])
        return .response(.redirect(to: "/r/\(code.display)#invite-friends"))
    }

    /// POST /me/favorites/:id/delete: unstars it from /me (its room lives or not).
    static let remove: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        guard let id = NotificationHandlers.noticeID(ctx.request.parameter("id")),
            try ctx.services.database.transaction({ try FavoriteRoomStore.remove(id, userID: user.id, on: $0) })
        else { throw SocialRefusal.noSuchFavorite }
        return .response(.redirect(to: "/me#favorites"))
    }
}
