import Foundation

/// The personal timer's rules (seed 002's cycle, issue 13): focus, then a short break, and a long
/// break after every `longBreakInterval` focus segments. Pure: the App locks the row, asks here
/// and writes what comes back, crediting the pieces.
///
/// - A segment that runs to its end is followed by the next one, which runs by itself when
///   `autoStartBreaks` / `autoStartFocus` say so, else waits idle. Focus starts by itself only
///   if a person touched a control within the idle time before that instant, so a timer left
///   alone does not credit focus nobody did for longer than that.
/// - The cycle position (`cycleDone`) counts focus segments that ended after running (ran out,
///   skipped, stopped short by a hand-started break); a long break ends the cycle. It starts
///   over at the owner's daily reset and after `idleResetMinutes` without a running segment
///   (the timer goes back to an idle first focus), so the first session of a morning is never
///   followed by a long break.
/// - Every second a segment ran is written once, as `TimerPiece`s; only a focus that ran to its
///   end is a session.
public enum TimerCycle {
    /// The timer after a step, the run time to write, and the count's day as the step leaves it.
    public struct Step: Equatable, Sendable {
        public var clock: TimerClock
        public var pieces: [TimerPiece]
        public var countDay: LocalDate
    }

    // MARK: Time passing

    /// Completes every running segment that ended by `now`, each at its own end (a page or the
    /// sweeper may look long after), then starts the cycle over if it has been idle too long.
    /// `boundary` and `countDay` are the owner's day rule and the count's day: a segment that
    /// ends on a later day starts the cycle over before it is counted, like the daily reset.
    public static func advance(
        _ clock: TimerClock, settings: TimerSettings, now: Date, boundary: DayBoundary, countDay: LocalDate
    ) -> Step {
        var step = Step(clock: clock, pieces: [], countDay: countDay)
        while step.clock.status == .running, let end = step.clock.endsAt, end <= now {
            let day = boundary.day(at: end)
            if day > step.countDay {
                step.countDay = day
                step.clock.cycleDone = 0
            }
            let c = step.clock
            step.pieces.append(
                TimerPiece(
                    phase: c.phase, ms: max(0, c.segmentSeconds * 1000 - c.accountedMs), endedAt: end, day: day,
                    isSession: c.phase == .focus))
            step.clock = follow(c, endedAt: end, focusRan: true, settings: settings)
        }
        let c = step.clock
        let idleSince = c.stoppedAt ?? c.lastActivityAt
        if c.status != .running, !c.isAtCycleStart,
            now.timeIntervalSince(idleSince) >= Double(settings.idleResetMinutes * 60)
        {
            step.clock = startOver(c, settings: settings, at: idleSince)
        }
        return step
    }

    // MARK: Controls

    /// Applies a person's control at `now` to a timer already `advance`d to `now`. `seenVersion`
    /// is the version the person's page showed: any other refuses the control (a double click,
    /// another tab, a segment that ended meanwhile). `breakPhase`: which break `.startBreak` starts.
    public static func apply(
        _ control: TimerControl, breakPhase: TimerPhase? = nil, seenVersion: Int, version: Int, to clock: TimerClock,
        settings: TimerSettings, now: Date, day: LocalDate
    ) throws(TimerRefusal) -> Step {
        guard seenVersion == version else {
            throw .stale(
                "Your timer changed since this page was drawn (in another tab, on another device, or a segment ended), so nothing was done. Here it is now."
            )
        }
        func refuse(_ why: String) -> TimerRefusal { .stale(why + " Nothing was changed.") }
        var c = clock
        c.lastActivityAt = now
        var pieces: [TimerPiece] = []
        /// The run time not yet written, ending now (a cut, or a pause).
        func cut() {
            let ms = c.ranMs(at: now) - c.accountedMs
            if ms > 0 { pieces.append(TimerPiece(phase: c.phase, ms: ms, endedAt: now, day: day, isSession: false)) }
            c.accountedMs += max(0, ms)
        }
        switch control {
        case .start:
            guard c.status == .idle else {
                throw refuse(c.status == .paused ? "The timer is paused: resume it instead." : "The timer is already running.")
            }
            c = run(c, phase: c.phase, settings: settings, from: now)
        case .pause:
            guard c.status == .running else { throw refuse("The timer is not running.") }
            let remaining = max(1000, c.remainingMs(at: now))
            cut()
            c.status = .paused
            c.pausedRemainingMs = remaining
            c.endsAt = nil
            c.stoppedAt = now
        case .resume:
            guard c.status == .paused, let remaining = c.pausedRemainingMs else { throw refuse("The timer is not paused.") }
            c.status = .running
            c.endsAt = now.addingTimeInterval(Double(remaining) / 1000)
            c.pausedRemainingMs = nil
            c.stoppedAt = nil
        case .skip:
            let ran = c.status != .idle
            cut()
            c = follow(c, endedAt: now, focusRan: ran, settings: settings)
        case .reset:
            guard c.status != .idle else { throw refuse("The timer is already at the start of this segment.") }
            cut()
            c = wait(c, phase: c.phase, settings: settings, since: now)
        case .stop:
            guard !c.isAtCycleStart else { throw refuse("The timer is already stopped at the start of a cycle.") }
            cut()
            c = startOver(c, settings: settings, at: now)
        case .startBreak:
            guard let phase = breakPhase, phase.isBreak else { throw .invalid("Choose a short or a long break.") }
            guard !(c.status == .running && c.phase == phase) else { throw refuse("This break is already running.") }
            let focusRan = c.phase == .focus && c.status != .idle
            cut()
            if focusRan { c.cycleDone += 1 }
            c = run(c, phase: phase, settings: settings, from: now)
        }
        return Step(clock: c, pieces: pieces, countDay: day)
    }

    /// "short" or "long", as the break form sends it.
    public static func breakPhase(parsing raw: String) throws(TimerRefusal) -> TimerPhase {
        switch raw {
        case "short": return .shortBreak
        case "long": return .longBreak
        default: throw .invalid("Choose a short or a long break.")
        }
    }

    // MARK: Words

    /// Where the cycle is: "Focus 2 of 4 before the long break".
    public static func words(_ clock: TimerClock, settings: TimerSettings) -> String {
        let n = settings.longBreakInterval
        switch clock.phase {
        case .focus:
            return "Focus \(min(clock.cycleDone + 1, n)) of \(n) before the long break"
        case .shortBreak:
            return "Short break after focus \(min(max(clock.cycleDone, 1), n)) of \(n)"
        case .longBreak:
            return "Long break: the cycle of \(n) is done"
        }
    }

    // MARK: Moves

    /// What follows a segment that ended at `endedAt` (`focusRan`: a focus that had run, which
    /// moves the cycle on).
    static func follow(_ clock: TimerClock, endedAt: Date, focusRan: Bool, settings: TimerSettings) -> TimerClock {
        var c = clock
        let next: TimerPhase
        switch c.phase {
        case .focus:
            if focusRan { c.cycleDone += 1 }
            next = c.cycleDone >= settings.longBreakInterval ? .longBreak : .shortBreak
        case .shortBreak:
            next = .focus
        case .longBreak:
            c.cycleDone = 0
            next = .focus
        }
        let someoneThere = endedAt.timeIntervalSince(c.lastActivityAt) < Double(settings.idleResetMinutes * 60)
        let starts = next.isBreak ? settings.autoStartBreaks : settings.autoStartFocus && someoneThere
        return starts ? run(c, phase: next, settings: settings, from: endedAt) : wait(c, phase: next, settings: settings, since: endedAt)
    }

    static func run(_ clock: TimerClock, phase: TimerPhase, settings: TimerSettings, from start: Date) -> TimerClock {
        var c = clock
        c.phase = phase
        c.status = .running
        c.segmentSeconds = settings.seconds(of: phase)
        c.endsAt = start.addingTimeInterval(Double(c.segmentSeconds))
        c.pausedRemainingMs = nil
        c.stoppedAt = nil
        c.accountedMs = 0
        return c
    }

    static func wait(_ clock: TimerClock, phase: TimerPhase, settings: TimerSettings, since: Date) -> TimerClock {
        var c = clock
        c.phase = phase
        c.status = .idle
        c.segmentSeconds = settings.seconds(of: phase)
        c.endsAt = nil
        c.pausedRemainingMs = nil
        c.stoppedAt = since
        c.accountedMs = 0
        return c
    }

    static func startOver(_ clock: TimerClock, settings: TimerSettings, at instant: Date) -> TimerClock {
        var c = wait(clock, phase: .focus, settings: settings, since: instant)
        c.cycleDone = 0
        return c
    }
}
