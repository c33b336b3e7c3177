import Domain
import Postgres

/// SQL for a personal timer's configuration columns and a guest's zone (`personal_timers`).
enum TimerConfigurationStore {
    /// Writes every configuration field on the caller's transaction.
    static func save(_ timerID: String, _ s: TimerSettings, on conn: PostgresConnection) throws {
        try conn.query(
            """
            UPDATE personal_timers SET focus_seconds = $2, short_break_seconds = $3, long_break_seconds = $4,
                   long_break_interval = $5, auto_start_breaks = $6, auto_start_focus = $7, sound_enabled = $8,
                   notifications_enabled = $9, reset_kind = $10, reset_minutes = $11, idle_reset_minutes = $12
            WHERE id = $1
            """,
            [
                timerID, s.focusSeconds, s.shortBreakSeconds, s.longBreakSeconds, s.longBreakInterval, s.autoStartBreaks,
                s.autoStartFocus, s.soundEnabled, s.notificationsEnabled, s.resetTime.kind, s.resetTime.minutes, s.idleResetMinutes,
            ])
    }

    /// A guest's zone (accounts keep theirs in `users.timezone`).
    static func setGuestZone(_ timerID: String, _ zone: String, on conn: PostgresConnection) throws {
        try conn.query("UPDATE personal_timers SET guest_timezone = $2 WHERE id = $1 AND user_id IS NULL", [timerID, zone])
    }
}
