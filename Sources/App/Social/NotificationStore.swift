import Domain
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
}
