import Domain
import Foundation
import Postgres

/// Today's count set by hand (seed 002's manual override): any whole number from 0 to 1000,
/// recorded as a `manual` reset event and counted in the day's `manual_overrides`.
enum TodayCount {
    static let range = 0...1000

    /// Settles the day first (so an override typed after the reset time applies to the new
    /// day), then sets the count. Setting the count it already has records nothing and returns
    /// false (a replayed PUT changes nothing).
    @discardableResult
    static func set(_ timer: inout PersonalTimer, to count: Int, now: Date, device: String?, on conn: PostgresConnection) throws -> Bool {
        precondition(range.contains(count))
        try DailyReset.settle(&timer, type: .automatic, now: now, device: nil, on: conn)
        guard count != timer.todayCount else { return false }
        try SessionResetLog.record(.manual, timer: timer, previous: timer.todayCount, new: count, at: now, device: device, on: conn)
        try conn.query(
            """
            INSERT INTO daily_session_stats (timer_id, date, timezone, manual_overrides) VALUES ($1, $2::date, $3, 1)
            ON CONFLICT (timer_id, date) DO UPDATE SET manual_overrides = daily_session_stats.manual_overrides + 1,
                   updated_at = now()
            """, [timer.id, timer.countDay.iso, timer.zone])
        try conn.query("UPDATE personal_timers SET today_count = $2, manual_override = $2 WHERE id = $1", [timer.id, count])
        timer.todayCount = count
        timer.manualOverride = count
        return true
    }
}
