import Foundation
import Testing

@testable import Domain

@Suite("Personal timer cycle")
struct TimerCycleTests {
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28 20:26:40 UTC
    let utc = DayBoundary(zoneName: "UTC")!

    func settings(interval: Int = 4, breaks: Bool = true, focus: Bool = false) -> TimerSettings {
        var s = TimerSettings()
        s.longBreakInterval = interval
        s.autoStartBreaks = breaks
        s.autoStartFocus = focus
        return s
    }

    func day(_ at: Date) -> LocalDate { utc.day(at: at) }

    func control(
        _ c: TimerControl, _ clock: TimerClock, at: Date, _ s: TimerSettings = TimerSettings(), breakPhase: TimerPhase? = nil
    ) throws -> TimerCycle.Step {
        try TimerCycle.apply(c, breakPhase: breakPhase, seenVersion: 7, version: 7, to: clock, settings: s, now: at, day: day(at))
    }

    func started(_ s: TimerSettings = TimerSettings()) throws -> TimerClock {
        try control(.start, TimerClock(segmentSeconds: 1500, lastActivityAt: t0), at: t0, s).clock
    }

    @Test func aFocusThatRunsOutIsASessionAndItsBreakStartsByItself() throws {
        let s = settings()
        let step = TimerCycle.advance(try started(s), settings: s, now: t0 + 1600, boundary: utc, countDay: day(t0))
        #expect(step.pieces == [TimerPiece(phase: .focus, ms: 1_500_000, endedAt: t0 + 1500, day: day(t0), isSession: true)])
        #expect(step.clock.phase == .shortBreak && step.clock.status == .running)
        #expect(step.clock.endsAt == t0 + 1800)  // from the focus's end, not from when someone looked
        #expect(step.clock.cycleDone == 1)
    }

    @Test func withoutAutoStartTheBreakWaitsIdle() throws {
        let s = settings(breaks: false)
        let step = TimerCycle.advance(try started(s), settings: s, now: t0 + 1600, boundary: utc, countDay: day(t0))
        #expect(step.clock.phase == .shortBreak && step.clock.status == .idle && step.clock.stoppedAt == t0 + 1500)
    }

    @Test func theLongBreakComesAfterEveryIntervalOfFocusSegments() throws {
        let s = settings(interval: 2)
        var clock = try started(s)
        clock.cycleDone = 1
        var step = TimerCycle.advance(clock, settings: s, now: t0 + 1500, boundary: utc, countDay: day(t0))
        #expect(step.clock.phase == .longBreak && step.clock.cycleDone == 2)
        #expect(TimerCycle.words(step.clock, settings: s) == "Long break: the cycle of 2 is done")
        // The long break ends the cycle; focus waits (auto-start focus is off).
        step = TimerCycle.advance(step.clock, settings: s, now: t0 + 1500 + 900, boundary: utc, countDay: day(t0))
        #expect(step.clock.phase == .focus && step.clock.status == .idle && step.clock.cycleDone == 0)
        #expect(step.pieces.map(\.phase) == [.longBreak] && step.pieces[0].isSession == false)
    }

    @Test func autoStartedFocusNeedsSomeoneToHaveBeenThereWithinTheIdleTime() throws {
        var s = settings(focus: true)
        s.focusSeconds = 50 * 60
        s.shortBreakSeconds = 10 * 60
        s.idleResetMinutes = 120
        let clock = try started(s)
        // Nobody touches it: focus, break, focus, break (the second focus starts 60 min after the
        // last control), then at 120 min nobody has been there for the idle time: it waits.
        let step = TimerCycle.advance(clock, settings: s, now: t0 + 6 * 3600, boundary: utc, countDay: day(t0))
        #expect(step.pieces.map(\.phase) == [.focus, .shortBreak, .focus, .shortBreak])
        #expect(step.clock.phase == .focus && step.clock.cycleDone == 0)  // idle for hours: started over
        #expect(step.clock.status == .idle)
    }

    @Test func theCycleStartsOverAfterTheIdleTime() throws {
        let s = settings(breaks: false)
        var step = TimerCycle.advance(try started(s), settings: s, now: t0 + 1500, boundary: utc, countDay: day(t0))
        #expect(step.clock.cycleDone == 1)
        let idleEnds = t0 + 1500 + Double(s.idleResetMinutes * 60)
        step = TimerCycle.advance(step.clock, settings: s, now: idleEnds - 1, boundary: utc, countDay: day(t0))
        #expect(step.clock.cycleDone == 1 && step.clock.phase == .shortBreak)
        step = TimerCycle.advance(step.clock, settings: s, now: idleEnds, boundary: utc, countDay: day(t0))
        #expect(step.clock.cycleDone == 0 && step.clock.phase == .focus && step.clock.status == .idle)
        #expect(TimerCycle.words(step.clock, settings: s) == "Focus 1 of 4 before the long break")
    }

    @Test func aPausedSegmentLeftForTheIdleTimeIsDropped() throws {
        let s = TimerSettings()
        let paused = try control(.pause, try started(s), at: t0 + 600, s).clock
        let step = TimerCycle.advance(paused, settings: s, now: t0 + 600 + 7200, boundary: utc, countDay: day(t0))
        #expect(step.clock.status == .idle && step.clock.cycleDone == 0 && step.pieces.isEmpty)
    }

    @Test func aSegmentEndingOnTheNextDayStartsTheCycleOverBeforeItCounts() throws {
        let s = settings(interval: 2)
        let berlin = DayBoundary(zoneName: "Europe/Berlin", resetMinutes: 4 * 60)!
        // 03:50 Berlin (CEST) on 2026-06-01: still 2026-05-31 by a 04:00 reset.
        let start = Date(timeIntervalSince1970: 1_780_278_600)
        var clock = try control(.start, TimerClock(segmentSeconds: 1500, lastActivityAt: start), at: start, s).clock
        clock.cycleDone = 1
        let before = berlin.day(at: start)
        let step = TimerCycle.advance(clock, settings: s, now: start + 1500, boundary: berlin, countDay: before)
        #expect(step.countDay == before.adding(days: 1) && step.pieces[0].day == step.countDay)
        #expect(step.clock.cycleDone == 1 && step.clock.phase == .shortBreak)  // not the long break
    }

    @Test func pausesWriteWhatRanSoEachSecondIsWrittenOnce() throws {
        let s = TimerSettings()
        let paused = try control(.pause, try started(s), at: t0 + 600, s)
        #expect(paused.pieces.map(\.ms) == [600_000] && paused.clock.pausedRemainingMs == 900_000)
        let resumed = try control(.resume, paused.clock, at: t0 + 1000, s)
        #expect(resumed.pieces.isEmpty && resumed.clock.endsAt == t0 + 1900)
        let ended = TimerCycle.advance(resumed.clock, settings: s, now: t0 + 2000, boundary: utc, countDay: day(t0))
        #expect(ended.pieces.map(\.ms) == [900_000] && ended.pieces[0].isSession)
    }

    @Test func skipCutsTheFocusShortCreditsWhatRanAndMovesTheCycleOn() throws {
        let s = settings()
        let step = try control(.skip, try started(s), at: t0 + 300, s)
        #expect(step.pieces == [TimerPiece(phase: .focus, ms: 300_000, endedAt: t0 + 300, day: day(t0), isSession: false)])
        #expect(step.clock.phase == .shortBreak && step.clock.status == .running && step.clock.cycleDone == 1)
        // An idle focus that never ran does not move the cycle on.
        let idle = try control(.skip, TimerClock(segmentSeconds: 1500, lastActivityAt: t0), at: t0, s).clock
        #expect(idle.cycleDone == 0 && idle.phase == .shortBreak)
    }

    @Test func resetGoesBackToTheStartOfTheSegmentAndStopEndsTheCycle() throws {
        let s = TimerSettings()
        var clock = try started(s)
        clock.cycleDone = 2
        let reset = try control(.reset, clock, at: t0 + 60, s)
        #expect(reset.clock.status == .idle && reset.clock.phase == .focus && reset.clock.cycleDone == 2)
        #expect(reset.pieces.map(\.ms) == [60_000])
        let stopped = try control(.stop, clock, at: t0 + 60, s)
        #expect(stopped.clock.isAtCycleStart)
        #expect(throws: TimerRefusal.self) { try control(.stop, stopped.clock, at: t0 + 61, s) }
        #expect(throws: TimerRefusal.self) { try control(.reset, stopped.clock, at: t0 + 61, s) }
    }

    @Test func aBreakStartedByHandEndsARunningFocus() throws {
        let s = TimerSettings()
        let step = try control(.startBreak, try started(s), at: t0 + 120, s, breakPhase: .longBreak)
        #expect(step.clock.phase == .longBreak && step.clock.status == .running && step.clock.endsAt == t0 + 120 + 900)
        #expect(step.clock.cycleDone == 1 && step.pieces.map(\.ms) == [120_000])
        #expect(throws: TimerRefusal.self) { try control(.startBreak, step.clock, at: t0 + 130, s, breakPhase: .longBreak) }
        #expect(throws: TimerRefusal.invalid("Choose a short or a long break.")) { try TimerCycle.breakPhase(parsing: "medium") }
    }

    @Test func controlsThatDoNotFitAreRefused() throws {
        let s = TimerSettings()
        let idle = TimerClock(segmentSeconds: 1500, lastActivityAt: t0)
        #expect(throws: TimerRefusal.self) { try control(.pause, idle, at: t0, s) }
        #expect(throws: TimerRefusal.self) { try control(.resume, idle, at: t0, s) }
        #expect(throws: TimerRefusal.self) { try control(.start, try started(s), at: t0 + 1, s) }
    }

    @Test func aControlFromAnOlderPageIsRefused() {
        let idle = TimerClock(segmentSeconds: 1500, lastActivityAt: t0)
        #expect {
            try TimerCycle.apply(.start, seenVersion: 6, version: 7, to: idle, settings: TimerSettings(), now: t0, day: day(t0))
        } throws: { error in
            if case .stale = error as? TimerRefusal { return true }
            return false
        }
    }

    @Test func wordsSayWhereTheCycleIs() {
        var clock = TimerClock(segmentSeconds: 1500, cycleDone: 1, lastActivityAt: t0)
        #expect(TimerCycle.words(clock, settings: TimerSettings()) == "Focus 2 of 4 before the long break")
        clock.phase = .shortBreak
        #expect(TimerCycle.words(clock, settings: TimerSettings()) == "Short break after focus 1 of 4")
    }
}
