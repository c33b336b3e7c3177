import Domain
import Web

/// Blocking (issue 12): a blocked pair cannot request, message or see each other's presence,
/// and each one's profile says "not available" to the other. Blocking removes the friendship and
/// any waiting requests both ways (`FriendStore.block`).
enum BlockHandlers {
    /// POST /friends/block (`username`)
    static let block: Handler = { ctx in
        try ctx.limit(ctx.services.config.rateLimits.friendActions)
        let me = try AccountFlow.signedInUser(ctx)
        let other = try FriendHandlers.named(ctx)
        ctx.announceAfterCommit(try FriendStore(database: ctx.services.database).block(me.id, other.id))
        return .response(.redirect(to: try back(ctx, other)))
    }

    /// POST /friends/unblock (`username`)
    static let unblock: Handler = { ctx in
        try ctx.limit(ctx.services.config.rateLimits.friendActions)
        let me = try AccountFlow.signedInUser(ctx)
        let other = try FriendHandlers.named(ctx)
        ctx.announceAfterCommit(try FriendStore(database: ctx.services.database).unblock(me.id, other.id))
        return .response(.redirect(to: try back(ctx, other)))
    }

    static func back(_ ctx: RequestContext, _ other: FriendStore.Person) throws -> String {
        try ctx.form().value("back") == "profile" ? "/u/\(other.username)" : "/friends"
    }
}
