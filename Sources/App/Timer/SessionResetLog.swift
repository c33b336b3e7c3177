import Domain
import Foundation
import Postgres

/// SQL for `session_reset_events`: the audit trail of today's count (seed 002's
/// SessionResetEvent). Append-only from the application; pruned by age (`prune`).
enum SessionResetLog {
    /// Appends one event on the caller's transaction.
    static func record(
        _ type: ResetType, timer: PersonalTimer, previous: Int, new: Int, at instant: Date, device: String?,
        context: String? = nil, on conn: PostgresConnection
    ) throws {
        try conn.query(
            """
            INSERT INTO session_reset_events (timer_id, reset_type, previous_count, new_count, reset_at, user_timezone,
                                              local_reset_time, device_id, context)
            VALUES ($1, $2, $3, $4, to_timestamp($5), $6, $7, $8, $9)
            """,
            [
                timer.id, type.rawValue, previous, new, String(instant.timeIntervalSince1970), timer.zone,
                timer.boundary.wallClock(at: instant), device, context,
            ])
    }

    /// Deletes events older than `days`, at most `limit` at a time; returns how many went.
    static func prune(olderThanDays days: Int, limit: Int, on conn: PostgresConnection) throws -> Int {
        try conn.query(
            """
            DELETE FROM session_reset_events WHERE id IN (
                SELECT id FROM session_reset_events WHERE created_at < now() - make_interval(days => $1) LIMIT $2)
            """, [days, limit]
        ).affectedRows
    }
}
