import Web

/// Leaving and rejoining the boards (a form on Settings → Preferences). Leaving takes the
/// account's lines off every board at once; rejoining writes them back from PostgreSQL.
enum LeaderboardSettingsHandlers {
    /// POST /settings/leaderboards (ranked=on|off)
    static let save: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let values = try ctx.form().values("ranked")
        guard values.count == 1, let choice = values.first, choice == "on" || choice == "off" else {
            throw ClientError.unprocessable("Choose whether to be on the leaderboards: on or off.")
        }
        let boards = ctx.services.leaderboards
        try boards.store.setOnBoards(user.id, choice == "on")
        if choice == "on" { boards.refresh(userID: user.id) } else { boards.remove(userID: user.id) }
        return .response(.redirect(to: "/settings/preferences?saved=1#leaderboards"))
    }

    /// What the preferences page shows about the boards.
    static func context(_ ctx: RequestContext, userID: String) throws -> TemplateContext {
        let membership = try ctx.services.leaderboards.store.membership(of: userID)
        return ["on_leaderboards": .bool(membership.onBoards), "leaderboard_hidden": .bool(membership.hidden)]
    }
}
