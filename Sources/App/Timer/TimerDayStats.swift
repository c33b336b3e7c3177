import Domain
import Foundation
import Postgres

/// What the timer adds to `daily_session_stats` (seed 002's DailySessionStats), one row per
/// timer and local day by the owner's reset time. The daily reset closes a day's row; the
/// history page reads them.
enum TimerDayStats {
    /// Adds a session, work seconds or break seconds to `day`'s row, creating it.
    static func add(
        timer: PersonalTimer, day: LocalDate, sessions: Int, workSeconds: Int, breakSeconds: Int, on conn: PostgresConnection
    ) throws {
        try conn.query(
            """
            INSERT INTO daily_session_stats (timer_id, date, timezone, work_sessions_completed, total_work_seconds, total_break_seconds)
            VALUES ($1, $2::date, $3, $4, $5, $6)
            ON CONFLICT (timer_id, date) DO UPDATE SET
                work_sessions_completed = daily_session_stats.work_sessions_completed + EXCLUDED.work_sessions_completed,
                total_work_seconds = daily_session_stats.total_work_seconds + EXCLUDED.total_work_seconds,
                total_break_seconds = daily_session_stats.total_break_seconds + EXCLUDED.total_break_seconds,
                updated_at = now()
            """, [timer.id, day.iso, timer.zone, sessions, workSeconds, breakSeconds])
    }
}
