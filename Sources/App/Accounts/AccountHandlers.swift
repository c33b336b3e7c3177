import Web

enum AccountHandlers {
    /// GET /settings/account
    static let page: Handler = { ctx in try accountPage(ctx) }

    static func accountPage(_ ctx: RequestContext, error: String? = nil) throws -> Outcome {
        let account = try AccountFlow.signedInAccount(ctx)
        let linked = try OAuthStore(database: ctx.services.database).providers(linkedTo: account.id)
        var context: TemplateContext = [
            "section_account": .bool(true), "email": .text(account.email), "has_password": .bool(account.passwordHash != nil),
            "providers": .list(
                ctx.services.config.oauth.map {
                    ["kind": .text($0.kind.rawValue), "label": .text($0.label), "linked": .bool(linked.contains($0.kind.rawValue))]
                }),
        ]
        if let error { context["error"] = .text(error) }
        return OAuthHandlers.allowingProviderForms(
            Views.page(
                "settings_account", title: "Your account", context, ctx: ctx,
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
        deleted.removeFiles(services: services)
        services.leaderboards.remove(userID: account.id)
        ctx.signedOut()
        return .response(.redirect(to: "/"))
    }

    /// POST /settings/delete/email: mails a confirmation link.
    static let deleteByMail: Handler = { ctx in
        let account = try AccountFlow.signedInAccount(ctx)
        try ctx.services.database.transaction { conn in
            try AccountMail.confirmDeletion(account, services: ctx.services, on: conn)
        }
        return AccountFlow.checkEmail(ctx, "We sent a link to \(account.email). Open it and confirm to delete your account.")
    }
}
