import Domain
import Foundation
import Postgres

/// What admins do to accounts, each in the caller's transaction with its audit line. The rules
/// every action shares: an admin never acts on their own account, and the last admin keeps the
/// role. Actions that take an account away from its owner (suspend, ban, end sessions, delete)
/// are refused on another admin: take the role first, which is its own audited step.
enum AdminUserStore {
    /// The account an admin is about to act on, locked.
    struct Target {
        let id: String
        let username: String
        let role: AccountRole
        let suspendedUntil: Double?

        var label: String { username }
        var auditTarget: AuditTarget { AuditTarget(.user, id: id, label: username) }
        var standing: AccountStanding { AccountStanding(suspendedUntil: suspendedUntil, now: Date().timeIntervalSince1970) }
    }

    /// Locks `id`'s row; refuses a missing account and the admin's own. `ownerAction`: the action
    /// takes the account from its owner, so another admin's is refused too.
    static func lock(_ id: String, by actor: CurrentUser, ownerAction: Bool, on conn: PostgresConnection) throws -> Target {
        guard UUID(uuidString: id) != nil,
            let row = try conn.query(
                """
                SELECT id::text, username, role,
                       CASE WHEN suspended_until = 'infinity' THEN 'Infinity' ELSE extract(epoch FROM suspended_until)::text END
                FROM users WHERE id = $1 FOR UPDATE
                """, [id]
            ).first
        else { throw ModerationRefusal.notFound }
        let target = Target(
            id: row.string(0), username: row.string(1), role: AccountRole(stored: row.string(2)), suspendedUntil: row[3].flatMap(Double.init))
        if target.id.lowercased() == actor.id.lowercased() { throw ModerationRefusal.yourself }
        if ownerAction && target.role == .admin { throw ModerationRefusal.targetIsAdmin }
        return target
    }

    /// Gives or takes the admin role. Every admin row is locked first, in id order, so two
    /// admins demoting each other at once cannot leave none.
    static func setRole(_ id: String, to role: AccountRole, by actor: CurrentUser, reason: ModerationReason, on conn: PostgresConnection) throws {
        let admins = try conn.query("SELECT id::text FROM users WHERE role = 'ADMIN' ORDER BY id FOR UPDATE").map { $0.string(0) }
        let target = try lock(id, by: actor, ownerAction: false, on: conn)
        guard target.role != role else { return }
        if target.role == .admin && admins.count <= 1 { throw ModerationRefusal.lastAdmin }
        try conn.query("UPDATE users SET role = $2 WHERE id = $1", [target.id, role.rawValue])
        if role != .admin { try TwoFactorStore.forgetPassed(userID: target.id, on: conn) }
        try AuditLog.append(
            .init(action: .roleChange, target: target.auditTarget, reason: reason.value, before: target.role.rawValue, after: role.rawValue),
            by: actor, on: conn)
    }
}

extension AdminUserStore {
    /// Suspends for `length`, or bans (`length` nil): the account's sessions end in the same
    /// transaction, so nothing signed in survives it. Returns the rooms whose seats lost their
    /// session, to announce after commit.
    static func suspend(
        _ id: String, for length: SuspensionLength?, by actor: CurrentUser, reason: ModerationReason, on conn: PostgresConnection
    ) throws -> [(channel: String, version: Int)] {
        let target = try lock(id, by: actor, ownerAction: true, on: conn)
        let until = try conn.query(
            """
            UPDATE users SET suspended_until = CASE WHEN $2::int IS NULL THEN 'infinity' ELSE now() + make_interval(secs => $2::int) END,
                suspension_reason = $3
            WHERE id = $1 RETURNING extract(epoch FROM suspended_until)::text
            """, [target.id, length?.seconds, reason.value]
        ).first.flatMap { $0[0] }.flatMap(Double.init)
        let ended = try AccountSessions.endOthers(userID: target.id, keep: nil, on: conn)
        let after = length.map { "suspended for \($0.label), until " + AdminViews.clock(until ?? 0) } ?? "banned"
        try AuditLog.append(
            .init(
                action: length == nil ? .ban : .suspend, target: target.auditTarget, reason: reason.value, before: describe(target.standing),
                after: after),
            by: actor, on: conn)
        return ended
    }

    /// Lifts a suspension or a ban; refused when there is none.
    static func lift(_ id: String, by actor: CurrentUser, reason: ModerationReason, on conn: PostgresConnection) throws {
        let target = try lock(id, by: actor, ownerAction: false, on: conn)
        guard target.standing != .good else { throw ModerationRefusal.conflict("This account is neither suspended nor banned.") }
        try conn.query("UPDATE users SET suspended_until = NULL, suspension_reason = '' WHERE id = $1", [target.id])
        try AuditLog.append(
            .init(action: .lift, target: target.auditTarget, reason: reason.value, before: describe(target.standing), after: "good standing"),
            by: actor, on: conn)
    }

    /// Ends every signed-in session of the account (it can sign in again).
    static func endSessions(
        _ id: String, by actor: CurrentUser, reason: ModerationReason, on conn: PostgresConnection
    ) throws -> [(channel: String, version: Int)] {
        let target = try lock(id, by: actor, ownerAction: true, on: conn)
        let count = try conn.query("SELECT count(*) FROM sessions WHERE user_id = $1", [target.id]).first?.int(0) ?? 0
        let ended = try AccountSessions.endOthers(userID: target.id, keep: nil, on: conn)
        try AuditLog.append(
            .init(action: .endSessions, target: target.auditTarget, reason: reason.value, before: "\(count) sessions", after: "0 sessions"),
            by: actor, on: conn)
        return ended
    }

    /// The audit line of a deletion, written in the deletion's transaction before the row goes.
    static func recordDeletion(_ target: Target, by actor: CurrentUser, reason: ModerationReason, on conn: PostgresConnection) throws {
        try AuditLog.append(
            .init(action: .deleteAccount, target: target.auditTarget, reason: reason.value, before: "account @\(target.username)", after: "deleted"),
            by: actor, on: conn)
    }

    static func describe(_ standing: AccountStanding) -> String {
        switch standing {
        case .good: return "good standing"
        case .banned: return "banned"
        case .suspended(let until): return "suspended until " + AdminViews.clock(until)
        }
    }
}
