import Domain
import Foundation
import Postgres

/// SQL for `/timer/history`: one timer's days (`daily_session_stats`) and its latest reset
/// events (`session_reset_events`), read without locks.
enum TimerHistoryStore {
    struct Day {
        let date: LocalDate
        let sessions: Int
        let focusSeconds: Int
        let overrides: Int
        /// What the count showed when the day ended; nil while it has not.
        let finalCount: Int?
    }

    struct Event {
        let type: ResetType
        let previous: Int
        let new: Int
        let localTime: String
        let device: String?
    }

    /// The timer's days from `first` to `last` (both included) that have a row, newest first.
    static func days(timerID: String, from first: LocalDate, to last: LocalDate, on conn: PostgresConnection) throws -> [Day] {
        try conn.query(
            """
            SELECT date::text, work_sessions_completed, total_work_seconds, manual_overrides, final_count
            FROM daily_session_stats WHERE timer_id = $1 AND date BETWEEN $2::date AND $3::date ORDER BY date DESC
            """, [timerID, first.iso, last.iso]
        ).compactMap { row in
            LocalDate(iso: row.string(0)).map {
                Day(date: $0, sessions: row.int(1), focusSeconds: row.int(2), overrides: row.int(3), finalCount: row[4].flatMap(Int.init))
            }
        }
    }

    /// The timer's latest `limit` reset events, newest first.
    static func events(timerID: String, limit: Int, on conn: PostgresConnection) throws -> [Event] {
        try conn.query(
            """
            SELECT reset_type, previous_count, new_count, local_reset_time, device_id
            FROM session_reset_events WHERE timer_id = $1 ORDER BY reset_at DESC, id DESC LIMIT $2
            """, [timerID, limit]
        ).map { row in
            Event(type: ResetType(stored: row.string(0)), previous: row.int(1), new: row.int(2), localTime: row.string(3), device: row[4])
        }
    }
}
