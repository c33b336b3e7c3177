import Domain
import Web

/// A signed-in participant's own actions in a room: inviting friends and starring the room.
/// Room routes (`.participant`); they change nothing in the room itself, so no room version moves.
enum RoomSocialActions {
    /// Friends one invite form may name.
    static let maxAtOnce = 10

    /// POST /r/:code/invite (`friend`: one or more usernames): a `room_invite` notice for each,
    /// all friends or none.
    static let invite: Handler = { ctx in
        let code = try RoomHandlers.parseCode(ctx)
        var seen = Set<String>()
        let names = try ctx.form().values("friend").filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
        func refuse(_ refusal: SocialRefusal) throws -> Outcome {
            try page(ctx, code, refusal, checked: names)
        }
        guard let user = try ctx.user else { return try refuse(.signInFirst("invite your friends")) }
        guard !names.isEmpty else { return try refuse(.noFriendChosen) }
        guard names.count <= maxAtOnce else { return try refuse(.tooManyAtOnce(maxAtOnce)) }
        // Each friend named counts, before anything is looked up.
        for _ in names {
            if let limited = try RoomHandlers.limited(ctx, code, ctx.services.config.rateLimits.invites) { return limited }
        }
        do {
            let announcements = try ctx.services.database.transaction { conn in
                try RoomInviteStore.invite(names, from: user.id, to: code, on: conn)
            }
            ctx.announceAfterCommit(announcements)
        } catch let refusal as SocialRefusal {
            return try refuse(refusal)
        }
        return .response(.redirect(to: "/r/\(code.display)?invited=\(names.count)#invite-friends"))
    }

    /// POST /r/:code/favorite: stars the room (its queue and theme are kept for "start again").
    static let favorite: Handler = { ctx in
        let code = try RoomHandlers.parseCode(ctx)
        guard let user = try ctx.user else { return try page(ctx, code, .signInFirst("star rooms")) }
        do {
            try ctx.services.database.transaction { conn in try FavoriteRoomStore.star(userID: user.id, code: code, on: conn) }
        } catch let refusal as SocialRefusal {
            return try page(ctx, code, refusal)
        }
        return .response(.redirect(to: "/r/\(code.display)#favorite"))
    }

    /// POST /r/:code/unfavorite
    static let unfavorite: Handler = { ctx in
        let code = try RoomHandlers.parseCode(ctx)
        guard let user = try ctx.user else { return try page(ctx, code, .signInFirst("star rooms")) }
        try ctx.services.database.transaction { conn in try FavoriteRoomStore.unstar(userID: user.id, code: code, on: conn) }
        return .response(.redirect(to: "/r/\(code.display)#favorite"))
    }

    /// The room page again with the refusal in its error slot, and the invite form as it was sent.
    private static func page(_ ctx: RequestContext, _ code: RoomCode, _ refusal: SocialRefusal, checked: [String] = []) throws -> Outcome {
        RoomHandlers.roomPage(
            ctx, try RoomHandlers.present(ctx, code), error: refusal.message, checkedFriends: checked,
            status: ErrorMapping.status(refusal))
    }
}
