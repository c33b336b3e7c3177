import Domain
import Foundation
import Postgres

/// One personal timer row as read (or locked) in a transaction: its configuration, its clock,
/// today's count, and the zone that applies (the account's, or the guest's own).
struct PersonalTimer: Sendable {
    let id: String
    let userID: String?
    var settings: TimerSettings
    /// The IANA zone in force: `users.timezone` for an account, `guest_timezone` for a guest.
    var zone: String
    var phase: TimerPhase
    var status: PersonalTimerStatus
    var segmentSeconds: Int
    var segmentEndsAt: Date?
    var pausedRemainingMs: Int?
    var cycleDone: Int
    var lastActivityAt: Date
    var todayCount: Int
    var manualOverride: Int?
    var countDay: LocalDate
    var lastDailyReset: Date?
    var version: Int
    /// Run time of the current segment already written (`TimerClock.accountedMs`).
    var accountedMs: Int
    var stoppedAt: Date?
    /// A guest's session (nil for an account's timer): whose ledger rows its focus writes.
    let sessionHash: [UInt8]?

    /// The moving parts, as `TimerCycle` reads and returns them.
    var clock: TimerClock {
        get {
            TimerClock(
                phase: phase, status: status, segmentSeconds: segmentSeconds, endsAt: segmentEndsAt,
                pausedRemainingMs: pausedRemainingMs, cycleDone: cycleDone, lastActivityAt: lastActivityAt,
                stoppedAt: stoppedAt, accountedMs: accountedMs)
        }
        set {
            phase = newValue.phase
            status = newValue.status
            segmentSeconds = newValue.segmentSeconds
            segmentEndsAt = newValue.endsAt
            pausedRemainingMs = newValue.pausedRemainingMs
            cycleDone = newValue.cycleDone
            lastActivityAt = newValue.lastActivityAt
            stoppedAt = newValue.stoppedAt
            accountedMs = newValue.accountedMs
        }
    }

    /// The day rule for this timer: its zone and reset time (UTC when the stored zone is one the
    /// system no longer knows).
    var boundary: DayBoundary {
        DayBoundary(zoneName: zone, resetMinutes: settings.resetTime.minutes)
            ?? DayBoundary(zoneName: "UTC", resetMinutes: settings.resetTime.minutes)!
    }

    /// The live channel of this timer (`/timer/poll` parks on it).
    var channel: String { Self.channel(id) }
    static func channel(_ id: String) -> String { "ptimer:\(id)" }

    /// The columns `init(row:)` reads, for `FROM personal_timers t LEFT JOIN users u ON u.id = t.user_id`.
    static let columns = """
        t.id, t.user_id, coalesce(u.timezone, t.guest_timezone), t.focus_seconds, t.short_break_seconds,
        t.long_break_seconds, t.long_break_interval, t.auto_start_breaks, t.auto_start_focus, t.sound_enabled,
        t.notifications_enabled, t.reset_kind, t.reset_minutes, t.idle_reset_minutes, t.phase, t.status,
        t.segment_seconds, extract(epoch FROM t.segment_ends_at)::float8, t.paused_remaining_ms, t.cycle_done,
        extract(epoch FROM t.last_activity_at)::float8, t.today_count, t.manual_override, t.count_day::text,
        extract(epoch FROM t.last_daily_reset)::float8, t.version, t.accounted_ms,
        extract(epoch FROM t.stopped_at)::float8, t.session_hash
        """

    init(row: PostgresRow) {
        func date(_ i: Int) -> Date? { row[i].flatMap(Double.init).map(Date.init(timeIntervalSince1970:)) }
        id = row.string(0)
        userID = row[1]
        zone = row.string(2)
        var s = TimerSettings()
        s.focusSeconds = row.int(3)
        s.shortBreakSeconds = row.int(4)
        s.longBreakSeconds = row.int(5)
        s.longBreakInterval = row.int(6)
        s.autoStartBreaks = row.bool(7)
        s.autoStartFocus = row.bool(8)
        s.soundEnabled = row.bool(9)
        s.notificationsEnabled = row.bool(10)
        s.resetTime = DailyResetTime(kind: row.string(11), minutes: row.int(12))
        s.idleResetMinutes = row.int(13)
        settings = s
        phase = TimerPhase(stored: row.string(14))
        status = PersonalTimerStatus(stored: row.string(15))
        segmentSeconds = row.int(16)
        segmentEndsAt = date(17)
        pausedRemainingMs = row[18].flatMap(Int.init)
        cycleDone = row.int(19)
        lastActivityAt = date(20) ?? Date(timeIntervalSince1970: 0)
        todayCount = row.int(21)
        manualOverride = row[22].flatMap(Int.init)
        countDay = LocalDate(iso: row.string(23)) ?? LocalDate(iso: "1970-01-01")!
        lastDailyReset = date(24)
        version = row.int(25)
        accountedMs = row.int(26)
        stoppedAt = date(27)
        sessionHash = row[28] == nil ? nil : row.bytes(28)
    }
}
