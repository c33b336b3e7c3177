import Domain
import Web

/// The admin's hand on the boards: hide an entry (the account leaves every board at once and
/// rebuilds skip it) or let it back. The forms are on /leaderboards, shown to admins only.
enum LeaderboardAdminHandlers {
    /// POST /admin/leaderboards/{id}/hide
    static let hide: Handler = { ctx in
        let admin = try AccountFlow.signedInUser(ctx)
        let userID = ctx.request.parameter("id")
        try ctx.services.database.transaction { conn in
            guard let (username, was) = try ctx.services.leaderboards.store.hide(userID, by: admin.id, on: conn) else {
                throw ClientError.notFound("There is no such user.")
            }
            try AuditLog.append(
                .init(
                    action: .leaderboardHide, target: AuditTarget(.user, id: userID, label: username), before: was ? "hidden" : "shown",
                    after: "hidden"), by: admin, on: conn)
        }
        ctx.services.leaderboards.remove(userID: userID)
        return .response(.redirect(to: try back(ctx)))
    }

    /// POST /admin/leaderboards/{id}/unhide
    static let unhide: Handler = { ctx in
        let admin = try AccountFlow.signedInUser(ctx)
        let userID = ctx.request.parameter("id")
        try ctx.services.database.transaction { conn in
            guard let (username, was) = try ctx.services.leaderboards.store.unhide(userID, on: conn) else {
                throw ClientError.notFound("There is no such user.")
            }
            try AuditLog.append(
                .init(
                    action: .leaderboardUnhide, target: AuditTarget(.user, id: userID, label: username), before: was ? "hidden" : "shown",
                    after: "shown"), by: admin, on: conn)
        }
        ctx.services.leaderboards.refresh(userID: userID)
        return .response(.redirect(to: try back(ctx)))
    }

    /// The board the admin was looking at.
    static func back(_ ctx: RequestContext) throws -> String {
        let values = try ctx.form().values("board")
        return LeaderboardHandlers.href((try? LeaderboardHandlers.board(values)) ?? .weekly, page: 1) + "#board-admin"
    }
}
