import Web

enum SessionHandlers {
    /// GET /settings/sessions
    static let list: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let sessions = try AccountSessions(database: ctx.services.database).list(userID: user.id, current: ctx.session)
        let rows: [TemplateContext] = sessions.map {
            ["id": .text($0.publicID), "current": .bool($0.isCurrent),
             "device": .text($0.userAgent.isEmpty ? "Unknown browser" : $0.userAgent),
             "signed_in": .text(AccountFlow.format($0.signedInAt, timezone: user.timezone)),
             "last_seen": .text(AccountFlow.format($0.lastSeenAt, timezone: user.timezone))]
        }
        return Views.page("settings_sessions", title: "Your sessions", [
            "section_sessions": .bool(true), "sessions": .list(rows), "has_others": .bool(sessions.count > 1),
        ], ctx: ctx)
    }

    /// POST /settings/sessions/end-others
    static let endOthers: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        ctx.announceAfterCommit(try ctx.services.database.transaction { conn in
            try AccountSessions.endOthers(userID: user.id, keep: ctx.session, on: conn)
        })
        return .response(.redirect(to: "/settings/sessions"))
    }

    /// POST /settings/sessions/{id}/end: someone else's (or an unknown) id is a 404.
    static let end: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let id = ctx.request.parameter("id")
        guard id.utf8.count == 32, let moved = try ctx.services.database.transaction({ conn in
            try AccountSessions.end(userID: user.id, publicID: id, on: conn)
        }) else {
            throw ClientError.notFound("There is no such session.")
        }
        ctx.announceAfterCommit(moved)
        return .response(.redirect(to: "/settings/sessions"))
    }
}

enum AccountHandlers {
    /// GET /settings/account
    static let page: Handler = { ctx in try accountPage(ctx) }

    static func accountPage(_ ctx: RequestContext, error: String? = nil) throws -> Outcome {
        let account = try AccountFlow.signedInAccount(ctx)
        let linked = try OAuthStore(database: ctx.services.database).providers(linkedTo: account.id)
        var context: TemplateContext = [
            "section_account": .bool(true), "email": .text(account.email), "has_password": .bool(account.passwordHash != nil),
            "providers": .list(ctx.services.config.oauth.map {
                ["kind": .text($0.kind.rawValue), "label": .text($0.label), "linked": .bool(linked.contains($0.kind.rawValue))]
            }),
        ]
        if let error { context["error"] = .text(error) }
        return OAuthHandlers.allowingProviderForms(Views.page("settings_account", title: "Your account", context, ctx: ctx,
                                                              status: error == nil ? .ok : .unprocessableEntity), ctx)
    }

    /// GET /settings/export.json
    static let export: Handler = { ctx in
        let account = try AccountFlow.signedInAccount(ctx)
        let body = try AccountExport.json(account, database: ctx.services.database)
        var response = Response.json(body)
        response.addHeader("Content-Disposition", "attachment; filename=\"pomopomo-\(account.username).json\"")
        return .response(response)
    }

    /// POST /settings/delete: confirmed by the password.
    static let deleteWithPassword: Handler = { ctx in
        let account = try AccountFlow.signedInAccount(ctx)
        let services = ctx.services
        guard let hash = account.passwordHash else {
            return try accountPage(ctx, error: "This account has no password: use “Email me a confirmation link” instead.")
        }
        guard try AccountFlow.confirmPassword(ctx, account, hash: hash, given: try ctx.field("password")) else {
            return try accountPage(ctx, error: "That password is not right, so nothing was deleted.")
        }
        let deleted = try services.database.transaction { conn in try AccountFlow.delete(ctx, account.id, on: conn) }
        if let file = deleted?.avatarFile { Avatars.remove(file, services: services) }
        ctx.signedOut()
        return .response(.redirect(to: "/"))
    }

    /// POST /settings/delete/email: mails a confirmation link.
    static let deleteByMail: Handler = { ctx in
        let account = try AccountFlow.signedInAccount(ctx)
        try ctx.services.database.transaction { conn in
            try AccountMail.confirmDeletion(account, base: ctx.services.config.baseURL, on: conn)
        }
        return AccountFlow.checkEmail(ctx, "We sent a link to \(account.email). Open it and confirm to delete your account.")
    }
}

enum AdminHandlers {
    /// GET /admin and /admin/users?q=…
    static let dashboard: Handler = { ctx in
        let query = String((ctx.request.query.values("q").first ?? "").prefix(100))
        let users = UserStore(database: ctx.services.database)
        let rows: [TemplateContext] = try users.list(matching: query).map {
            ["id": .text($0.id), "username": .text($0.username), "email": .text($0.email), "role": .text($0.role),
             "is_admin": .bool($0.isAdmin), "verified": .bool($0.emailVerified), "created": .text(AccountFlow.format($0.createdAt, timezone: "UTC"))]
        }
        return Views.page("admin", title: "Admin", ["users": .list(rows), "q_input": .text(query), "user_count": .text(String(try users.count()))], ctx: ctx)
    }

    /// POST /admin/users/{id}/role
    static let setRole: Handler = { ctx in
        let role = try ctx.field("role")
        guard role == "USER" || role == "ADMIN" else { throw ClientError.unprocessable("A role is USER or ADMIN.") }
        guard try UserStore(database: ctx.services.database).setRole(userID: ctx.request.parameter("id"), role: role) else {
            throw ClientError.notFound("There is no such user.")
        }
        return .response(.redirect(to: "/admin"))
    }
}
