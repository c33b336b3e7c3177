import Domain
import Foundation
import Web

/// A personal timer as `GET /api/timer` and `/timer/poll` show it. timer.js counts down from
/// `ends_at_ms` (null unless running) against `server_now_ms`.
struct PersonalTimerJSON: Encodable {
    let version: Int
    let status: String
    let phase: String
    let phaseText: String
    @NullWhenAbsent var endsAtMs: Int?
    let remainingMs: Int
    let durationMs: Int
    let serverNowMs: Int
    let cycleDone: Int
    let longBreakInterval: Int
    let todayCount: Int
    @NullWhenAbsent var manualOverride: Int?
    let day: String
    let timezone: String
    let configuration: Configuration

    struct Configuration: Encodable {
        let focusMinutes: Int
        let shortBreakMinutes: Int
        let longBreakMinutes: Int
        let longBreakInterval: Int
        let autoStartBreaks: Bool
        let autoStartFocus: Bool
        let soundEnabled: Bool
        let notificationsEnabled: Bool
        let resetKind: String
        let resetTime: String
        let idleResetMinutes: Int
        let timezone: String

        enum CodingKeys: String, CodingKey {
            case focusMinutes = "focus_minutes", shortBreakMinutes = "short_break_minutes"
            case longBreakMinutes = "long_break_minutes", longBreakInterval = "long_break_interval"
            case autoStartBreaks = "auto_start_breaks", autoStartFocus = "auto_start_focus"
            case soundEnabled = "sound_enabled", notificationsEnabled = "notifications_enabled"
            case resetKind = "reset_kind", resetTime = "reset_time", idleResetMinutes = "idle_reset_minutes", timezone
        }
    }

    enum CodingKeys: String, CodingKey {
        case version, status, phase, day, timezone, configuration
        case phaseText = "phase_text"
        case endsAtMs = "ends_at_ms"
        case remainingMs = "remaining_ms"
        case durationMs = "duration_ms"
        case serverNowMs = "server_now_ms"
        case cycleDone = "cycle_done"
        case longBreakInterval = "long_break_interval"
        case todayCount = "today_count"
        case manualOverride = "manual_override"
    }

    init(_ t: PersonalTimer, now: Date) {
        let nowMs = Int(now.timeIntervalSince1970 * 1000)
        version = t.version
        status = t.status.rawValue
        phase = t.phase.rawValue
        phaseText = t.phase.words
        durationMs = t.segmentSeconds * 1000
        switch t.status {
        case .running:
            let ends = Int((t.segmentEndsAt ?? now).timeIntervalSince1970 * 1000)
            endsAtMs = ends
            remainingMs = max(0, ends - nowMs)
        case .paused:
            endsAtMs = nil
            remainingMs = t.pausedRemainingMs ?? 0
        case .idle:
            endsAtMs = nil
            remainingMs = t.settings.seconds(of: t.phase) * 1000
        }
        serverNowMs = nowMs
        cycleDone = t.cycleDone
        longBreakInterval = t.settings.longBreakInterval
        todayCount = t.todayCount
        manualOverride = t.manualOverride
        day = t.countDay.iso
        timezone = t.zone
        let s = t.settings
        configuration = Configuration(
            focusMinutes: s.focusSeconds / 60, shortBreakMinutes: s.shortBreakSeconds / 60,
            longBreakMinutes: s.longBreakSeconds / 60, longBreakInterval: s.longBreakInterval,
            autoStartBreaks: s.autoStartBreaks, autoStartFocus: s.autoStartFocus, soundEnabled: s.soundEnabled,
            notificationsEnabled: s.notificationsEnabled, resetKind: s.resetTime.kind, resetTime: s.resetTime.clock,
            idleResetMinutes: s.idleResetMinutes, timezone: t.zone)
    }
}
