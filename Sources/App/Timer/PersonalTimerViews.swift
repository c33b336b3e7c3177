import Domain
import Foundation
import Web

/// The personal timer as `/timer` shows it: the clock derived from the stored timestamps and one
/// reading of `now`, where the cycle is, today's count and the controls that apply.
enum PersonalTimerViews {
    /// A timer that does not exist yet (a guest who never started one): the defaults, idle.
    static func defaults(now: Date) -> (clock: TimerClock, settings: TimerSettings, todayCount: Int, version: Int) {
        let settings = TimerSettings()
        return (TimerClock(segmentSeconds: settings.focusSeconds, lastActivityAt: now), settings, 0, 1)
    }

    static func context(
        clock: TimerClock, settings: TimerSettings, todayCount: Int, manualOverride: Bool = false, version: Int, now: Date,
        signedIn: Bool
    ) -> TemplateContext {
        // An idle segment starts at the length the settings give now (a change waits only for a
        // segment already under way), as the JSON says too.
        let remaining = clock.status == .idle ? settings.seconds(of: clock.phase) * 1000 : clock.remainingMs(at: now)
        let nowMs = Int(now.timeIntervalSince1970 * 1000)
        var timer: TemplateContext = [
            "version": .text(String(version)), "status": .text(clock.status.rawValue), "phase": .text(clock.phase.rawValue),
            "phase_text": .text(clock.phase.words), "cycle_text": .text(TimerCycle.words(clock, settings: settings)),
            "clock": .text(RoomViews.clock(remaining)), "remaining_ms": .text(String(remaining)),
            "server_now_ms": .text(String(nowMs)), "today_count": .text(String(todayCount)),
            "manual_override": .bool(manualOverride),
            "status_text": .text(statusText(clock)),
            "can_start": .bool(clock.status == .idle), "can_pause": .bool(clock.status == .running),
            "can_resume": .bool(clock.status == .paused), "can_skip": .bool(true),
            "can_reset": .bool(clock.status != .idle), "can_stop": .bool(!clock.isAtCycleStart),
            "can_short_break": .bool(!(clock.status == .running && clock.phase == .shortBreak)),
            "can_long_break": .bool(!(clock.status == .running && clock.phase == .longBreak)),
            "skip_text": .text(clock.phase == .focus ? "Skip to the break" : "Skip to focus"),
            "sound": .text(settings.soundEnabled ? "on" : "off"), "notify": .text(settings.notificationsEnabled ? "on" : "off"),
        ]
        if clock.status == .running, let ends = clock.endsAt {
            let endsMs = Int(ends.timeIntervalSince1970 * 1000)
            let (iso, text) = RoomViews.utcTime(endsMs)
            timer["ends_at_ms"] = .text(String(endsMs))
            timer["ends_at_iso"] = .text(iso)
            timer["ends_at_text"] = .text(text)
        }
        return [
            "timer": .object(timer),
            // Accounts keep their timer settings with the others; a guest's are on the timer's own page.
            "settings_url": .text(signedIn ? "/settings/timer" : "/timer/settings"),
        ]
    }

    static func statusText(_ clock: TimerClock) -> String {
        switch clock.status {
        case .running: return "Running"
        case .paused: return "Paused"
        case .idle: return "Ready to start"
        }
    }

    /// The tab's title: "12:34 · Focus" while it runs, as timer.js keeps it.
    static func title(_ clock: TimerClock, now: Date) -> String {
        switch clock.status {
        case .running: return "\(RoomViews.clock(clock.remainingMs(at: now))) · \(clock.phase.words)"
        case .paused: return "Paused · \(clock.phase.words)"
        case .idle: return "Timer"
        }
    }

    /// For browsers without JavaScript: reload when the running segment ends.
    static func refreshSeconds(_ clock: TimerClock, now: Date) -> Int? {
        clock.status == .running ? clock.remainingMs(at: now) / 1000 + 1 : nil
    }
}
