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
        try AuditLog.append(
            .init(action: .roleChange, target: target.auditTarget, reason: reason.value, before: target.role.rawValue, after: role.rawValue),
            by: actor, on: conn)
    }
}
