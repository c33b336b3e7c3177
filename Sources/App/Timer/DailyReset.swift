import Domain
import Foundation
import Postgres

/// The daily reset of today's count (seed 002): when a timer's local day has moved on, the day
/// that ended is closed in `daily_session_stats`, the count starts over once, the cycle starts
/// over, and the reset is recorded. The sweeper runs it at the scheduled instant; requests run
/// it too, so a page never shows yesterday's count, and a change of zone or reset time runs it
/// with its own type.
enum DailyReset {
    /// Brings `timer`'s count to the day `now` falls in. Returns true when it reset. A day that
    /// went backwards (a zone further west) keeps the count and waits for the new day's reset.
    @discardableResult
    static func settle(
        _ timer: inout PersonalTimer, type: ResetType, now: Date, device: String?, on conn: PostgresConnection
    ) throws -> Bool {
        let today = timer.boundary.day(at: now)
        guard today != timer.countDay else { return false }
        guard today > timer.countDay else {
            timer.countDay = today
            try conn.query("UPDATE personal_timers SET count_day = $2::date WHERE id = $1", [timer.id, today.iso])
            try reschedule(timer, on: conn)
            return false
        }
        // The day that ended keeps what it showed, whether or not a session wrote its row.
        try conn.query(
            """
            INSERT INTO daily_session_stats (timer_id, date, timezone, final_count, closed_at)
            VALUES ($1, $2::date, $3, $4, to_timestamp($5))
            ON CONFLICT (timer_id, date) DO UPDATE SET final_count = EXCLUDED.final_count, closed_at = EXCLUDED.closed_at,
                   updated_at = now()
            """, [timer.id, timer.countDay.iso, timer.zone, timer.todayCount, String(now.timeIntervalSince1970)])
        try SessionResetLog.record(type, timer: timer, previous: timer.todayCount, new: 0, at: now, device: device, on: conn)
        try conn.query(
            """
            UPDATE personal_timers SET today_count = 0, manual_override = NULL, count_day = $2::date,
                   last_daily_reset = to_timestamp($3), cycle_done = 0
            WHERE id = $1
            """, [timer.id, today.iso, String(now.timeIntervalSince1970)])
        timer.todayCount = 0
        timer.manualOverride = nil
        timer.countDay = today
        timer.lastDailyReset = now
        timer.cycleDone = 0
        try reschedule(timer, on: conn)
        return true
    }

    /// Points the timer's one active daily-reset task at the end of the count's day, in the
    /// zone and at the reset time now in force (creating the task when missing).
    static func reschedule(_ timer: PersonalTimer, on conn: PostgresConnection) throws {
        let boundary = timer.boundary
        let next = boundary.next(after: boundary.start(of: timer.countDay))
        try conn.query(
            """
            INSERT INTO scheduled_tasks (timer_id, task_type, cron_expression, timezone, next_execution_at)
            VALUES ($1, 'daily_reset', $2, $3, to_timestamp($4))
            ON CONFLICT (timer_id) WHERE is_active AND task_type = 'daily_reset'
            DO UPDATE SET cron_expression = EXCLUDED.cron_expression, timezone = EXCLUDED.timezone,
                          next_execution_at = EXCLUDED.next_execution_at, updated_at = now()
            """, [timer.id, timer.settings.resetTime.cron, timer.zone, String(next.timeIntervalSince1970)])
    }
}
