import Foundation
import Web

/// /settings/api: a person's API tokens for scripts. A new token is shown once, on the page
/// that answers its creation; only its SHA-256 and first characters are kept.
enum APITokenHandlers {
    /// Enough for every script a person runs; a cap keeps a stolen session from minting thousands.
    static let cap = 20

    /// GET /settings/api
    static let page: Handler = { ctx in try page(ctx, try AccountFlow.signedInUser(ctx)) }

    private static func page(
        _ ctx: RequestContext, _ user: CurrentUser, newToken: String? = nil, error: String? = nil, typedName: String = ""
    ) throws -> Outcome {
        let tokens = try APITokenStore(database: ctx.services.database).list(userID: user.id)
        var context: TemplateContext = [
            "section_api": .bool(true),
            "tokens": .list(
                tokens.map {
                    [
                        "id": .text($0.id), "name": .text($0.name), "hint": .text($0.hint),
                        "created": .text(AccountFlow.format($0.createdAt, timezone: user.timezone)),
                        "last_used": .text($0.lastUsedAt.map { AccountFlow.format($0, timezone: user.timezone) } ?? "never"),
                    ]
                }),
            "name_input": .text(typedName), "cap": .text(String(cap)), "full": .bool(tokens.count >= cap),
        ]
        if let newToken { context["new_token"] = .text(newToken) }
        if let error { context["error"] = .text(error) }
        return Views.page("settings_api", title: "API tokens", context, ctx: ctx, status: error == nil ? .ok : .unprocessableEntity)
    }

    /// POST /settings/api: a new token, shown on the page this answers (never again).
    static let create: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let typed = try ctx.field("name")
        let name = typed.trimmingCharacters(in: .whitespaces)
        guard (1...60).contains(name.count), !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return try page(
                ctx, user, error: "Name the token (1 to 60 characters), so you can tell it apart later.", typedName: String(typed.prefix(200)))
        }
        let (token, hash, hint) = APIAuth.newToken()
        let made = try ctx.services.database.transaction { conn in
            try APITokenStore.lockOwner(user.id, on: conn)
            return try APITokenStore.create(userID: user.id, name: name, hash: hash, hint: hint, cap: cap, on: conn)
        }
        guard made else {
            return try page(ctx, user, error: "You have \(cap) tokens, the most there can be. Revoke one you no longer use first.", typedName: name)
        }
        return try page(ctx, user, newToken: token)
    }

    /// POST /settings/api/{id}/revoke: someone else's (or an unknown) id is a 404.
    static let revoke: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let id = ctx.request.parameter("id")
        guard UUID(uuidString: id) != nil, try APITokenStore(database: ctx.services.database).revoke(id: id, userID: user.id) else {
            throw ClientError.notFound("There is no such token.")
        }
        return .response(.redirect(to: "/settings/api?revoked=1"))
    }
}
