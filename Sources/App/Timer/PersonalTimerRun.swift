import Domain
import Foundation
import Postgres

/// Moves a locked personal timer: time passing (`advance`, for requests and the sweeper alike)
/// and a person's controls (`control`). The rules are `TimerCycle`'s; this writes their effect on
/// the caller's transaction: the clock, today's count, the day's stats, the focus ledger, and
/// the owner's journal (`JournalTimerLink`: the session kept on the timer follows it).
enum PersonalTimerRun {
    /// Completes the segments that ended by `now`, each at its own end (a segment ending on a
    /// later local day settles that day's reset first, at that instant), starts the cycle over
    /// when it has been idle too long, then settles the daily reset at `now`, so nothing shows
    /// yesterday's count. Returns whether the timer changed (the caller bumps its version).
    static func advance(_ timer: inout PersonalTimer, now: Date, credits: inout [FocusCredit], on conn: PostgresConnection) throws -> Bool {
        let step = TimerCycle.advance(timer.clock, settings: timer.settings, now: now, boundary: timer.boundary, countDay: timer.countDay)
        var changed = !step.pieces.isEmpty || step.clock != timer.clock
        for piece in step.pieces { credits += try write(piece, to: &timer, on: conn) }
        if changed {
            timer.clock = step.clock
            try PersonalTimerStore.saveClock(timer, on: conn)
            if let userID = timer.userID {
                try JournalTimerLink.advanced(userID: userID, pieces: step.pieces, after: step.clock, now: now, on: conn)
            }
        }
        if try DailyReset.settle(&timer, type: .automatic, now: now, device: nil, on: conn) { changed = true }
        return changed
    }

    /// Whether `advance` would change anything at `now` (a page looks first, and locks only then).
    static func isDue(_ timer: PersonalTimer, now: Date) -> Bool {
        let step = TimerCycle.advance(timer.clock, settings: timer.settings, now: now, boundary: timer.boundary, countDay: timer.countDay)
        return !step.pieces.isEmpty || step.clock != timer.clock || timer.boundary.day(at: now) != timer.countDay
    }

    /// Applies a person's control at `now`, after bringing the timer to `now`; `seenVersion` is
    /// the version their page showed (a `TimerRefusal.stale` when it moved). `journal`: what the
    /// form said for the owner's journal (an intent with Start, a category with Pause). Bumps the
    /// version. Returns the focus credited.
    static func control(
        _ control: TimerControl, breakPhase: TimerPhase?, seenVersion: Int, timer: inout PersonalTimer, now: Date,
        journal: JournalTimerChoice = JournalTimerChoice(), on conn: PostgresConnection
    ) throws -> [FocusCredit] {
        var credits: [FocusCredit] = []
        if try advance(&timer, now: now, credits: &credits, on: conn) { timer.version = try PersonalTimerStore.bump(timer.id, on: conn) }
        let step = try TimerCycle.apply(
            control, breakPhase: breakPhase, seenVersion: seenVersion, version: timer.version, to: timer.clock,
            settings: timer.settings, now: now, day: timer.countDay)
        for piece in step.pieces { credits += try write(piece, to: &timer, on: conn) }
        let before = timer.clock
        timer.clock = step.clock
        try PersonalTimerStore.saveClock(timer, on: conn)
        if let userID = timer.userID {
            try JournalTimerLink.controlled(control, before: before, choice: journal, userID: userID, at: now, on: conn)
        }
        timer.version = try PersonalTimerStore.bump(timer.id, on: conn)
        return credits
    }

    /// Writes one piece of run time: the day's stats (a session, work or break seconds), today's
    /// count for a session that ended on the count's day, and focus to the ledger (which trims
    /// what a room already credited for the same moments).
    private static func write(_ piece: TimerPiece, to timer: inout PersonalTimer, on conn: PostgresConnection) throws -> [FocusCredit] {
        if piece.day > timer.countDay {
            try DailyReset.settle(&timer, type: .automatic, now: piece.endedAt, device: nil, on: conn)
        }
        let seconds = piece.ms / 1000
        let focus = piece.phase == .focus
        try TimerDayStats.add(
            timer: timer, day: piece.day, sessions: piece.isSession ? 1 : 0, workSeconds: focus ? seconds : 0,
            breakSeconds: focus ? 0 : seconds, on: conn)
        // A session that ended on a day already closed (the reset ran first) counts in that day's row only.
        if piece.isSession, piece.day == timer.countDay { timer.todayCount = try PersonalTimerStore.countSession(timer.id, on: conn) }
        guard focus, seconds >= 1 else { return [] }
        let claim = FocusLedger.Claim(
            userID: timer.userID, sessionHash: timer.sessionHash ?? [], seconds: seconds, completed: piece.isSession,
            peoplePresent: 1, hosted: false)
        return try FocusLedger.credit([claim], source: .timer, roomID: nil, endedAt: piece.endedAt, on: conn)
    }
}
