import Web

enum SessionHandlers {
    /// GET /settings/sessions
    static let list: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let sessions = try AccountSessions(database: ctx.services.database).list(userID: user.id, current: ctx.session)
        let rows: [TemplateContext] = sessions.map {
            [
                "id": .text($0.publicID), "current": .bool($0.isCurrent),
                "device": .text($0.userAgent.isEmpty ? "Unknown browser" : $0.userAgent),
                "signed_in": .text(AccountFlow.format($0.signedInAt, timezone: user.timezone)),
                "last_seen": .text(AccountFlow.format($0.lastSeenAt, timezone: user.timezone)),
            ]
        }
        return Views.page(
            "settings_sessions", title: "Your sessions",
            [
                "section_sessions": .bool(true), "sessions": .list(rows), "has_others": .bool(sessions.count > 1),
            ], ctx: ctx)
    }

    /// POST /settings/sessions/end-others
    static let endOthers: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        ctx.announceAfterCommit(
            try ctx.services.database.transaction { conn in
                try AccountSessions.endOthers(userID: user.id, keep: ctx.session, on: conn)
            })
        return .response(.redirect(to: "/settings/sessions"))
    }

    /// POST /settings/sessions/{id}/end: someone else's (or an unknown) id is a 404.
    static let end: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let id = ctx.request.parameter("id")
        guard id.utf8.count == 32,
            let moved = try ctx.services.database.transaction({ conn in
                try AccountSessions.end(userID: user.id, publicID: id, on: conn)
            })
        else {
            throw ClientError.notFound("There is no such session.")
        }
        ctx.announceAfterCommit(moved)
        return .response(.redirect(to: "/settings/sessions"))
    }
}
