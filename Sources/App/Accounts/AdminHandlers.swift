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
}
