import Domain
import Foundation

extension PersonalTimer {
    /// The timer someone would get, for showing before they have one (nothing is written until
    /// they change something): the default settings, idle at the start of a focus, its day the
    /// owner's local day now.
    init(defaultsIn zone: String, now: Date) {
        id = ""
        userID = nil
        settings = TimerSettings()
        self.zone = zone
        phase = .focus
        status = .idle
        segmentSeconds = settings.focusSeconds
        segmentEndsAt = nil
        pausedRemainingMs = nil
        cycleDone = 0
        lastActivityAt = now
        todayCount = 0
        manualOverride = nil
        countDay = LocalDate(iso: "1970-01-01")!
        lastDailyReset = nil
        version = 1
        countDay = boundary.day(at: now)
    }
}
