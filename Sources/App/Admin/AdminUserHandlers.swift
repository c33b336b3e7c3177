import Domain
import Foundation
import Postgres
import Web

/// /admin/users: the search, a user's page and the actions on an account. Each action runs in
/// one transaction with its audit line; a refused one shows the user's page again with the
/// reason and what was typed, and changes nothing.
enum AdminUserHandlers {
    /// GET /admin/users?q=… (an email or username fragment, or an id)
    static let search: Handler = { ctx in
        let query = try AdminInput.query(ctx, "q", limit: 100)
        let found = try AdminUserDirectory(database: ctx.services.database).search(query)
        let rows: [TemplateContext] = found.map {
            [
                "id": .text($0.id), "username": .text($0.username), "email": .text($0.email), "role": .text($0.role.rawValue),
                "verified": .bool($0.verified), "created": .text(AdminViews.clock($0.createdAt)),
                "standing": .text($0.standing == .good ? "" : AdminUserStore.describe($0.standing)),
            ]
        }
        let context: TemplateContext = [
            "users": .list(rows), "has_users": .bool(!rows.isEmpty), "q_input": .text(query),
            "deleted": .text(try AdminInput.query(ctx, "deleted", limit: 64)),
        ]
        return try AdminViews.page("admin_users", title: "Users", context, ctx: ctx, section: .users)
    }

    /// GET /admin/users/:id
    static let show: Handler = { ctx in try page(ctx, ctx.request.parameter("id")) }

    /// POST /admin/users/:id/role (role, reason)
    static let role: Handler = { ctx in
        try act(ctx) { conn, admin, id in
            guard let role = AccountRole(rawValue: try ctx.field("role")) else { throw ModerationRefusal.invalid("A role is USER or ADMIN.") }
            try AdminUserStore.setRole(id, to: role, by: admin, reason: try AdminInput.reason(ctx, required: false), on: conn)
        }
    }

    /// POST /admin/users/:id/suspend (length, reason)
    static let suspend: Handler = { ctx in
        try act(ctx) { conn, admin, id in
            guard let length = SuspensionLength(rawValue: try ctx.field("length")) else {
                throw ModerationRefusal.invalid("Choose how long the suspension lasts.")
            }
            let reason = try AdminInput.reason(ctx, required: true)
            ctx.announceAfterCommit(try AdminUserStore.suspend(id, for: length, by: admin, reason: reason, on: conn))
        }
    }

    /// POST /admin/users/:id/ban (reason)
    static let ban: Handler = { ctx in
        try act(ctx) { conn, admin, id in
            let reason = try AdminInput.reason(ctx, required: true)
            ctx.announceAfterCommit(try AdminUserStore.suspend(id, for: nil, by: admin, reason: reason, on: conn))
        }
    }

    /// POST /admin/users/:id/lift (reason)
    static let lift: Handler = { ctx in
        try act(ctx) { conn, admin, id in try AdminUserStore.lift(id, by: admin, reason: try AdminInput.reason(ctx, required: false), on: conn) }
    }

    /// POST /admin/users/:id/sessions/end (reason)
    static let endSessions: Handler = { ctx in
        try act(ctx) { conn, admin, id in
            ctx.announceAfterCommit(try AdminUserStore.endSessions(id, by: admin, reason: try AdminInput.reason(ctx, required: false), on: conn))
        }
    }

    /// POST /admin/users/:id/delete (reason, confirm=yes): the account and everything that goes
    /// with it when its owner deletes it; files once the transaction has committed.
    static let delete: Handler = { ctx in
        let admin = try AccountFlow.signedInUser(ctx)
        let id = ctx.request.parameter("id")
        do {
            let reason = try AdminInput.reason(ctx, required: true)
            guard try ctx.field("confirm") == "yes" else {
                throw ModerationRefusal.invalid("Tick the box to confirm the deletion: it cannot be undone.")
            }
            let (target, deleted) = try ctx.services.database.transaction { conn in
                let target = try AdminUserStore.lock(id, by: admin, ownerAction: true, on: conn)
                try AdminUserStore.recordDeletion(target, by: admin, reason: reason, on: conn)
                return (target, try AccountFlow.delete(ctx, target.id, on: conn))
            }
            deleted.removeFiles(services: ctx.services)
            ctx.services.leaderboards.remove(userID: target.id)
            return .response(.redirect(to: "/admin/users" + AdminViews.queryString([("deleted", target.username)])))
        } catch let refusal as ModerationRefusal where refusal != .notFound {
            AdminViews.logRefusal(ctx, refusal)
            return try page(ctx, id, error: refusal)
        }
    }

    /// Runs `body` (the admin, the account id from the path) in one transaction, then back to the
    /// user's page; a refusal shows that page with the reason (a missing account is a 404).
    static func act(
        _ ctx: RequestContext, _ body: (PostgresConnection, CurrentUser, String) throws -> Void
    ) throws -> Outcome {
        let admin = try AccountFlow.signedInUser(ctx)
        let id = ctx.request.parameter("id")
        do {
            try ctx.services.database.transaction { conn in try body(conn, admin, id) }
        } catch let refusal as ModerationRefusal where refusal != .notFound {
            AdminViews.logRefusal(ctx, refusal)
            return try page(ctx, id, error: refusal)
        }
        return .response(.redirect(to: "/admin/users/\(id.lowercased())"))
    }

    /// A user's page: profile, standing, sessions, rooms, reports against and by them, and the
    /// audit lines about them, with the action forms (none on the admin's own page).
    static func page(_ ctx: RequestContext, _ id: String, error: ModerationRefusal? = nil) throws -> Outcome {
        let admin = try AccountFlow.signedInUser(ctx)
        let database = ctx.services.database
        guard let account = try UserStore(database: database).find(id: id) else { throw ModerationRefusal.notFound }
        let directory = AdminUserDirectory(database: database)
        let (standing, standingReason) = try directory.standing(account.id)
        var context: TemplateContext = [
            "id": .text(account.id), "username": .text(account.username), "display_name": .text(account.displayName),
            "email": .text(account.email), "verified": .bool(account.emailVerified), "role": .text(account.role.rawValue),
            "is_admin": .bool(account.isAdmin), "bio": .text(account.bio), "has_avatar": .bool(account.avatarFile != nil),
            "created": .text(AdminViews.clock(account.createdAt)), "is_self": .bool(account.id == admin.id),
            "standing": .text(AdminUserStore.describe(standing)), "standing_reason": .text(standingReason),
            "restricted": .bool(standing != .good),
            "lengths": .list(SuspensionLength.allCases.map { ["value": .text($0.rawValue), "label": .text($0.label)] }),
            "sessions": .list(
                try directory.sessions(account.id).map {
                    [
                        "agent": .text($0.userAgent), "signed_in": .text(AdminViews.clock($0.signedInAt)),
                        "last_seen": .text(AdminViews.clock($0.lastSeenAt)),
                    ]
                }),
            "seats": .list(
                try directory.seats(account.id).map {
                    let code = RoomCode(parsing: $0.code)?.display ?? $0.code
                    return [
                        "code": .text(code), "name": .text($0.name), "host": .bool($0.isHost), "muted": .bool($0.isMuted),
                        "live": .bool($0.live), "last_seen": .text(AdminViews.clock($0.lastSeenAt)),
                    ]
                }),
            "reports_against": .list(try ReportStore.reports(against: account.id, limit: 50, database: database).map(reportRow)),
            "reports_by": .list(try ReportStore.reports(by: account.id, limit: 50, database: database).map(reportRow)),
            "audit": .list(try AuditLog.about(.user, id: account.id, limit: 50, database: database).map(AdminAuditHandlers.row)),
            "audit_href": .text("/admin/audit" + AdminViews.queryString([("kind", "user"), ("target", account.id)])),
        ]
        if let error {
            context["error"] = .text(error.message)
            context["reason_input"] = .text(String(((try? ctx.field("reason")) ?? "").prefix(ModerationReason.limit * 4)))
        }
        return try AdminViews.page(
            "admin_user", title: account.username, context, ctx: ctx, section: .users, status: error.map(ErrorMapping.status) ?? .ok)
    }

    static func reportRow(_ r: ReportStore.Report) -> TemplateContext {
        [
            "id": .text(String(r.id)), "subject": .text(r.subject.label), "reason": .text(r.reason.label), "at": .text(r.at),
            "status": .text(r.status.label), "excerpt": .text(String(r.excerpt.prefix(120))), "author": .text(r.authorName),
        ]
    }
}
