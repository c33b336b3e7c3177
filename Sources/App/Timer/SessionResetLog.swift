import Domain
import Foundation
import Postgres

/// SQL for `session_reset_events`: the audit trail of today's count (seed 002's
/// SessionResetEvent). Append-only from the application; pruned by age (`prune`).
enum SessionResetLog {
    /// One timer's change of count, for `record(_:_:at:device:on:)`.
    struct Entry {
        let timer: PersonalTimer
        let previous: Int
        let new: Int
    }

    /// Appends one event on the caller's transaction.
    static func record(
        _ type: ResetType, timer: PersonalTimer, previous: Int, new: Int, at instant: Date, device: String?,
        context: String? = nil, on conn: PostgresConnection
    ) throws {
        try record(type, [Entry(timer: timer, previous: previous, new: new)], at: instant, device: device, context: context, on: conn)
    }

    /// Appends one event per entry, all of one type, instant and device, in one statement.
    static func record(
        _ type: ResetType, _ entries: [Entry], at instant: Date, device: String?, context: String? = nil,
        on conn: PostgresConnection
    ) throws {
        guard !entries.isEmpty else { return }
        var boundaries = DayBoundaries()
        try conn.query(
            """
            INSERT INTO session_reset_events (timer_id, reset_type, previous_count, new_count, reset_at, user_timezone,
                                              local_reset_time, device_id, context)
            SELECT e.id, $5, e.previous, e.new, to_timestamp($6), e.zone, e.local_time, $7, $8
            FROM unnest($1::uuid[], $2::int[], $3::int[], $4::text[], $9::text[]) AS e(id, previous, new, zone, local_time)
            """,
            [
                PostgresArray.text(entries.map(\.timer.id)), PostgresArray.text(entries.map { String($0.previous) }),
                PostgresArray.text(entries.map { String($0.new) }), PostgresArray.text(entries.map(\.timer.zone)),
                type.rawValue, String(instant.timeIntervalSince1970), device, context,
                PostgresArray.text(entries.map { boundaries.wallClock(at: instant, zone: $0.timer.zone) }),
            ])
    }

    /// Deletes events recorded before `cutoff`, at most `limit` at a time, oldest first; returns
    /// how many went (the retention job calls it until fewer than `limit` go).
    static func prune(before cutoff: Date, limit: Int, on conn: PostgresConnection) throws -> Int {
        try conn.query(
            """
            DELETE FROM session_reset_events WHERE id IN (
                SELECT id FROM session_reset_events WHERE created_at < to_timestamp($1) ORDER BY created_at LIMIT $2
                FOR UPDATE SKIP LOCKED)
            """, [String(cutoff.timeIntervalSince1970), limit]
        ).affectedRows
    }
}
