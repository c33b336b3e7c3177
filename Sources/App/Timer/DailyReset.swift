import Domain
import Foundation
import Postgres

/// The daily reset of today's count (seed 002): when a timer's local day has moved on, the day
/// that ended is closed in `daily_session_stats`, the count starts over once, the cycle starts
/// over, and the reset is recorded. The sweeper runs it at the scheduled instant for a batch of
/// timers at once (`DailyResetSweep`); requests run it for one (`settle`), so a page never shows
/// yesterday's count, and a change of zone or reset time runs it with its own type. Both go
/// through `close`, so a reset is the same rows whoever ran it.
enum DailyReset {
    /// A timer whose count's day ended, and the day `now` falls in.
    struct Closing {
        let timer: PersonalTimer
        let today: LocalDate
    }

    /// How far back a catch-up fills missed days (a timer nobody ran for years gets a year).
    static let missedDaysKept = 366

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
        try close([Closing(timer: timer, today: today)], type: type, now: now, device: device, on: conn)
        timer.todayCount = 0
        timer.manualOverride = nil
        timer.countDay = today
        timer.lastDailyReset = now
        timer.cycleDone = 0
        return true
    }

    /// Resets every timer in `closings` at `now`, in a fixed number of statements however many
    /// there are: their ended days closed (and the days between, missed while nothing ran, closed
    /// at zero), one event each, the counts and cycles started over, the tasks pointed at the
    /// next reset. `sweeper`: the caller is the sweeper, which holds the tasks it claimed (they
    /// are updated in place and stamped as run) and announces the versions this returns (bumped
    /// here, in the statement that resets the count); other callers bump once themselves.
    @discardableResult
    static func close(
        _ closings: [Closing], type: ResetType, now: Date, device: String?, sweeper: Bool = false, on conn: PostgresConnection
    ) throws -> [(id: String, version: Int)] {
        guard !closings.isEmpty else { return [] }
        let at = String(now.timeIntervalSince1970)
        let ids = PostgresArray.text(closings.map(\.timer.id))
        let todays = PostgresArray.text(closings.map(\.today.iso))
        // The day that ended keeps what it showed, whether or not a session wrote its row.
        try conn.query(
            """
            INSERT INTO daily_session_stats (timer_id, date, timezone, final_count, closed_at)
            SELECT c.id, c.day, c.zone, c.count, to_timestamp($5) FROM unnest($1::uuid[], $2::date[], $3::text[], $4::int[]) AS c(id, day, zone, count)
            ON CONFLICT (timer_id, date) DO UPDATE SET final_count = EXCLUDED.final_count, closed_at = EXCLUDED.closed_at,
                   updated_at = now()
            """,
            [
                ids, PostgresArray.text(closings.map(\.timer.countDay.iso)), PostgresArray.text(closings.map(\.timer.zone)),
                PostgresArray.text(closings.map { String($0.timer.todayCount) }), at,
            ])
        let missed = closings.filter { $0.today - $0.timer.countDay > 1 }
        if !missed.isEmpty { try closeMissedDays(missed, at: at, on: conn) }
        try SessionResetLog.record(
            type, closings.map { SessionResetLog.Entry(timer: $0.timer, previous: $0.timer.todayCount, new: 0) }, at: now,
            device: device, on: conn)
        let versions = try conn.query(
            """
            UPDATE personal_timers t SET today_count = 0, manual_override = NULL, count_day = c.today,
                   last_daily_reset = to_timestamp($3), cycle_done = 0, version = version + $4
            FROM unnest($1::uuid[], $2::date[]) AS c(id, today) WHERE t.id = c.id
            RETURNING t.id, t.version
            """, [ids, todays, at, sweeper ? 1 : 0]
        ).map { (id: $0.string(0), version: $0.int(1)) }
        try reschedule(
            closings.map { closing in
                var timer = closing.timer
                timer.countDay = closing.today
                return timer
            }, ranAt: sweeper ? now : nil, on: conn)
        return sweeper ? versions : []
    }

    /// The days strictly between each count's day and today (downtime spanned them): each is
    /// closed as it would have been had the sweeper run, a day that began at 0 and, with no
    /// session, ended at 0. A date the zone skipped (Apia's 2011-12-30) was no day and gets no
    /// row. A row some session wrote meanwhile keeps what it counted.
    private static func closeMissedDays(_ closings: [Closing], at: String, on conn: PostgresConnection) throws {
        var boundaries = DayBoundaries()
        var ids: [String] = []
        var dates: [String] = []
        var zones: [String] = []
        for closing in closings {
            let rule = boundaries.rule(for: closing.timer)
            var day = max(closing.timer.countDay.adding(days: 1), closing.today.adding(days: -missedDaysKept))
            while day < closing.today {
                if rule.start(of: day) < rule.start(of: day.adding(days: 1)) {
                    ids.append(closing.timer.id)
                    dates.append(day.iso)
                    zones.append(closing.timer.zone)
                }
                day = day.adding(days: 1)
            }
        }
        guard !ids.isEmpty else { return }
        try conn.query(
            """
            INSERT INTO daily_session_stats (timer_id, date, timezone, final_count, closed_at)
            SELECT d.id, d.day, d.zone, 0, to_timestamp($4) FROM unnest($1::uuid[], $2::date[], $3::text[]) AS d(id, day, zone)
            ON CONFLICT (timer_id, date) DO UPDATE
               SET final_count = coalesce(daily_session_stats.final_count, daily_session_stats.work_sessions_completed),
                   closed_at = coalesce(daily_session_stats.closed_at, EXCLUDED.closed_at), updated_at = now()
            """, [PostgresArray.text(ids), PostgresArray.text(dates), PostgresArray.text(zones), at])
    }

    /// Points the timer's one active daily-reset task at the end of the count's day, in the
    /// zone and at the reset time now in force (creating the task when missing).
    static func reschedule(_ timer: PersonalTimer, on conn: PostgresConnection) throws {
        try reschedule([timer], ranAt: nil, on: conn)
    }

    /// `reschedule` for many timers in one statement. `ranAt`: the sweeper's, for tasks it
    /// claimed (they exist and it holds them: updated in place, stamped as run at `ranAt`).
    static func reschedule(_ timers: [PersonalTimer], ranAt: Date?, on conn: PostgresConnection) throws {
        guard !timers.isEmpty else { return }
        var boundaries = DayBoundaries()
        let next = timers.map { timer in
            String(boundaries.nextStart(after: timer.countDay, zone: timer.zone, minutes: timer.settings.resetTime.minutes).timeIntervalSince1970)
        }
        let columns: [any PostgresBindable] = [
            PostgresArray.text(timers.map(\.id)), PostgresArray.text(timers.map(\.settings.resetTime.cron)),
            PostgresArray.text(timers.map(\.zone)), PostgresArray.text(next),
        ]
        if let ranAt {
            try conn.query(
                """
                UPDATE scheduled_tasks st SET cron_expression = c.cron, timezone = c.zone, next_execution_at = to_timestamp(c.next),
                       last_executed_at = to_timestamp($5), updated_at = now()
                FROM unnest($1::uuid[], $2::text[], $3::text[], $4::float8[]) AS c(id, cron, zone, next)
                WHERE st.timer_id = c.id AND st.is_active AND st.task_type = 'daily_reset'
                """, columns + [String(ranAt.timeIntervalSince1970)])
            return
        }
        try conn.query(
            """
            INSERT INTO scheduled_tasks (timer_id, task_type, cron_expression, timezone, next_execution_at)
            SELECT c.id, 'daily_reset', c.cron, c.zone, to_timestamp(c.next)
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::float8[]) AS c(id, cron, zone, next)
            ON CONFLICT (timer_id) WHERE is_active AND task_type = 'daily_reset'
            DO UPDATE SET cron_expression = EXCLUDED.cron_expression, timezone = EXCLUDED.timezone,
                          next_execution_at = EXCLUDED.next_execution_at, updated_at = now()
            """, columns)
    }
}
