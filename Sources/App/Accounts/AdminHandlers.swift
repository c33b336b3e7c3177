import Domain
import Web

enum AdminHandlers {
    /// GET /admin and /admin/users?q=…
    static let dashboard: Handler = { ctx in
        let query = String((ctx.request.query.values("q").first ?? "").prefix(100))
        let users = UserStore(database: ctx.services.database)
        let rows: [TemplateContext] = try users.list(matching: query).map {
            [
                "id": .text($0.id), "username": .text($0.username), "email": .text($0.email), "role": .text($0.role.rawValue),
                "is_admin": .bool($0.isAdmin), "verified": .bool($0.emailVerified),
                "created": .text(AccountFlow.format($0.createdAt, timezone: "UTC")),
            ]
        }
        return Views.page(
            "admin", title: "Admin", ["users": .list(rows), "q_input": .text(query), "user_count": .text(String(try users.count()))], ctx: ctx)
    }

    /// POST /admin/users/{id}/role (role, reason): recorded in the audit log.
    static let setRole: Handler = { ctx in
        let admin = try AccountFlow.signedInUser(ctx)
        guard let role = AccountRole(rawValue: try ctx.field("role")) else { throw ModerationRefusal.invalid("A role is USER or ADMIN.") }
        let reason = try AdminInput.reason(ctx, required: false)
        try ctx.services.database.transaction { conn in
            try AdminUserStore.setRole(ctx.request.parameter("id"), to: role, by: admin, reason: reason, on: conn)
        }
        return .response(.redirect(to: "/admin"))
    }
}
