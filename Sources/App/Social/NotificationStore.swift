import Domain
import Foundation
import Postgres

/// SQL for `notifications`: what happened for someone, read or not.
struct NotificationStore {
    let database: PostgresPool

    /// Adds a notice for `userID` in the caller's transaction, folding it into an unread one of
    /// the same kind, actor and subject (its count goes up and it moves to the top), and moves
    /// their live channel on. Returns what to announce after the commit.
    @discardableResult
    static func add(
        to userID: String, kind: NotificationKind, actor: String?, subject: String = "",
        on conn: PostgresConnection
    ) throws -> [(channel: String, version: Int)] {
        try conn.query(
            """
            INSERT INTO notifications (user_id, kind, actor_id, subject) VALUES ($1, $2, $3, $4)
            ON CONFLICT (user_id, kind, coalesce(actor_id, '00000000-0000-0000-0000-000000000000'::uuid), subject)
                WHERE read_at IS NULL
            DO UPDATE SET count = notifications.count + 1, created_at = now()
            """, [userID, kind.rawValue, actor, String(subject.prefix(200))])
        return try UserChannel.bump([userID], on: conn)
    }

    /// A page of /notifications is this many notices.
    static let pageSize = 50

    /// One notice as the list shows it; the actor's names are read from `users` now (a deleted
    /// actor's notices went with them).
    struct Listed {
        let id: Int
        let kind: NotificationKind
        let subject: String
        let count: Int
        let isRead: Bool
        let createdAt: Date
        let actorUsername: String?
        let actorName: String?
    }

    /// The notices of `userID`, newest first (a folded one counts from its last event), after
    /// the notice `before` (keyset: that notice's time and id), up to `pageSize + 1` so the
    /// caller knows whether an older page exists. nil when `before` names no notice of theirs.
    func page(userID: String, before: Int?) throws -> [Listed]? {
        let rows = try database.query(
            """
            WITH anchor AS (
                SELECT n.created_at AS at, n.id FROM notifications n WHERE $2::bigint IS NOT NULL AND n.id = $2 AND n.user_id = $1
                UNION ALL SELECT 'infinity'::timestamptz, 9223372036854775807 WHERE $2::bigint IS NULL)
            SELECT l.id, l.kind, l.subject, l.count, l.read, l.at, l.username, l.display_name
            FROM anchor a LEFT JOIN LATERAL (
                SELECT n.id, n.kind, n.subject, n.count, n.read_at IS NOT NULL AS read,
                       extract(epoch FROM n.created_at)::float8 AS at, u.username, u.display_name
                FROM notifications n LEFT JOIN users u ON u.id = n.actor_id
                WHERE n.user_id = $1 AND (n.created_at, n.id) < (a.at, a.id)
                ORDER BY n.created_at DESC, n.id DESC LIMIT $3) l ON true
            """, [userID, before, Self.pageSize + 1])
        guard rows.count > 0 else { return nil }
        return rows.compactMap { row in
            guard row[0] != nil, let kind = NotificationKind(stored: row.string(1)) else { return nil }
            return Listed(
                id: row.int(0), kind: kind, subject: row.string(2), count: row.int(3), isRead: row.bool(4),
                createdAt: Date(timeIntervalSince1970: Double(row.string(5)) ?? 0), actorUsername: row[6], actorName: row[7])
        }
    }

    /// Marks one notice of `userID` read and returns what its link needs (kind, subject, count,
    /// actor's username and name); nil when it is not theirs or does not exist.
    static func open(_ id: Int, userID: String, on conn: PostgresConnection) throws -> Listed? {
        try conn.query(
            """
            WITH opened AS (
                UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2
                RETURNING kind, subject, count, created_at, actor_id)
            SELECT o.kind, o.subject, o.count, extract(epoch FROM o.created_at)::float8, u.username, u.display_name
            FROM opened o LEFT JOIN users u ON u.id = o.actor_id
            """, [id, userID]
        ).first.flatMap { row in
            NotificationKind(stored: row.string(0)).map {
                Listed(
                    id: id, kind: $0, subject: row.string(1), count: row.int(2), isRead: true,
                    createdAt: Date(timeIntervalSince1970: Double(row.string(3)) ?? 0), actorUsername: row[4], actorName: row[5])
            }
        }
    }

    /// Marks every unread notice of `userID` read; returns how many.
    @discardableResult
    static func markAllRead(userID: String, on conn: PostgresConnection) throws -> Int {
        try conn.query("UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL", [userID]).affectedRows
    }

    /// One `achievement` notice per newly earned achievement, for a whole crediting batch at
    /// once (one INSERT … SELECT), and one bump of the channels of the people concerned.
    /// Returns each person's new channel version, to announce after the commit.
    @discardableResult
    static func addAchievements(
        _ earned: [(userID: String, achievement: Achievement)], on conn: PostgresConnection
    ) throws -> [(userID: String, version: Int)] {
        guard !earned.isEmpty else { return [] }
        func array(_ values: [String]) -> String { "{" + values.joined(separator: ",") + "}" }
        try conn.query(
            """
            INSERT INTO notifications (user_id, kind, subject)
            SELECT u, $3, a FROM unnest($1::uuid[], $2::text[]) AS t(u, a)
            ON CONFLICT (user_id, kind, coalesce(actor_id, '00000000-0000-0000-0000-000000000000'::uuid), subject)
                WHERE read_at IS NULL
            DO NOTHING
            """,
            [array(earned.map(\.userID)), array(earned.map(\.achievement.rawValue)), NotificationKind.achievement.rawValue])
        let ids = Array(Set(earned.map(\.userID))).sorted()
        return try conn.query("SELECT id::text, live_v FROM bump_live($1::uuid[])", [array(ids)]).map { ($0.string(0), $0.int(1)) }
    }
}
