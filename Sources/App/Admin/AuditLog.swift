import Domain
import Foundation
import Postgres

/// The admins' audit log (`admin_audit`): appended in the transaction of the action it records,
/// never changed (the table refuses UPDATE and DELETE, migration 033), read back filtered.
enum AuditLog {
    /// One admin action about to be recorded.
    struct Line {
        let action: AuditAction
        let target: AuditTarget
        var reason: String = ""
        var before: String? = nil
        var after: String? = nil
    }

    /// One recorded line.
    struct Entry {
        let id: Int
        let at: String
        let actorID: String
        let actorName: String
        let action: AuditAction?
        let actionStored: String
        let targetKind: String
        let targetID: String
        let targetLabel: String
        let reason: String
        let before: String?
        let after: String?
    }

    /// What the log page and the CSV export are filtered by; empty fields filter nothing.
    struct Filter: Equatable {
        var action: AuditAction? = nil
        /// An admin's username (any case).
        var actor = ""
        var targetKind: AuditTarget.Kind? = nil
        /// A target's id or label (a username, a room code, a title), exactly, any case (a label
        /// "ABC-DEF: Name" is found by its room code too).
        var target = ""
        /// UTC days, inclusive.
        var from: String? = nil
        var to: String? = nil
        /// Lines older than this id (the next page).
        var before: Int? = nil
    }

    /// Appends `line` as done by `actor`, on the caller's transaction.
    static func append(_ line: Line, by actor: CurrentUser, on conn: PostgresConnection) throws {
        try conn.query(
            """
            INSERT INTO admin_audit (actor_id, actor_name, action, target_kind, target_id, target_label, reason, before, after)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            [
                actor.id, actor.username, line.action.rawValue, line.target.kind.rawValue, line.target.id,
                String(line.target.label.prefix(200)), line.reason, line.before, line.after,
            ])
    }

    /// Newest first, `limit` lines matching `filter`.
    static func list(_ filter: Filter, limit: Int, database: PostgresPool) throws -> [Entry] {
        try database.query(
            """
            SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), actor_id::text, actor_name, action, target_kind,
                   target_id, target_label, reason, before, after
            FROM admin_audit
            WHERE ($1::text IS NULL OR action = $1)
              AND ($2 = '' OR lower(actor_name) = lower($2))
              AND ($3::text IS NULL OR target_kind = $3)
              AND ($4 = '' OR target_id = $4 OR lower(target_label) = lower($4) OR split_part(lower(target_label), ':', 1) = lower($4))
              AND ($5::date IS NULL OR at >= ($5::date)::timestamp AT TIME ZONE 'UTC')
              AND ($6::date IS NULL OR at < ($6::date + 1)::timestamp AT TIME ZONE 'UTC')
              AND ($7::bigint IS NULL OR id < $7)
            ORDER BY id DESC LIMIT $8
            """,
            [
                filter.action?.rawValue, filter.actor, filter.targetKind?.rawValue, filter.target, filter.from, filter.to,
                filter.before, limit,
            ]
        ).map {
            Entry(
                id: $0.int(0), at: $0.string(1), actorID: $0.string(2), actorName: $0.string(3), action: AuditAction(rawValue: $0.string(4)),
                actionStored: $0.string(4), targetKind: $0.string(5), targetID: $0.string(6), targetLabel: $0.string(7),
                reason: $0.string(8), before: $0[9], after: $0[10])
        }
    }

    /// The lines about one target, newest first (a user's page shows them).
    static func about(_ kind: AuditTarget.Kind, id: String, limit: Int, database: PostgresPool) throws -> [Entry] {
        try list(Filter(targetKind: kind, target: id), limit: limit, database: database)
    }
}
