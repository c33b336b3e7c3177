import Domain
import Foundation
import Postgres

/// A signed-in person's journal following their personal timer. `PersonalTimerRun` calls it in
/// the transaction that moves the timer, so a focus and its journal session never disagree:
/// Start with an intent starts a session kept "on the timer"; Pause pauses it with what
/// interrupted; Resume resumes it; the focus running to its end (a request or the sweeper
/// noticing) completes it and opens its break; skip, restart, stop or a break started by hand
/// during the focus end it early. Such a session moves only this way (`JournalFlow.step`
/// refuses it). Nothing here refuses a move of the timer's own making: a journal in an
/// unexpected state is left as it is rather than holding the timer (or a sweep) back.
enum JournalTimerLink {
    /// After time passed. Each focus that ran to its end completes the session (its break
    /// begins at that end); each break that ran out ends the journal's break; a focus that
    /// started by itself right after a journaled break carries that session's intent on; and a
    /// session whose focus is no longer under way (the timer started over after a long pause)
    /// ends early, when the timer stopped.
    static func advanced(userID: String, pieces: [TimerPiece], after: TimerClock, now: Date, on conn: PostgresConnection) throws {
        try JournalStore.lockOwner(userID, on: conn)
        let found = try JournalStore.openSession(userID: userID, on: conn)
        // A session open in a room or on the journal page is not the timer's to move, and it
        // keeps a carried-on one from starting (one open session at a time).
        let elsewhere = found.map { $0.place != .timer } ?? false
        var open = elsewhere ? nil : found
        for (k, piece) in pieces.enumerated() {
            if piece.phase == .focus {
                if open == nil, !elsewhere, k > 0 { open = try carryOn(userID: userID, at: pieces[k - 1].endedAt, on: conn) }
                if let session = open, session.status.after(.complete) != nil {
                    try JournalFlow.apply(.complete, to: session, userID: userID, category: nil, at: piece.endedAt, on: conn)
                    open = nil
                }
            } else {
                try endBreak(userID: userID, at: piece.endedAt, on: conn)
            }
        }
        if let last = pieces.last, open == nil, !elsewhere, after.phase == .focus, after.status == .running {
            open = try carryOn(userID: userID, at: last.endedAt, on: conn)
        }
        if let session = open, !(after.phase == .focus && after.status != .idle), session.status.after(.end) != nil {
            try JournalFlow.apply(.end, to: session, userID: userID, category: nil, at: after.stoppedAt ?? now, on: conn)
        }
    }

    /// After a person's control (`before`: the timer brought to `now`, as the control found it).
    /// Throws `outOfOrder` only for a Start with an intent while a session is open in a room or
    /// on the journal page: the person is told where, and the timer does not start either.
    static func controlled(
        _ control: TimerControl, before: TimerClock, choice: JournalTimerChoice, userID: String, at now: Date, on conn: PostgresConnection
    ) throws {
        try JournalStore.lockOwner(userID, on: conn)
        let open = try JournalStore.openSession(userID: userID, on: conn)
        let session = open?.place == .timer ? open : nil
        switch control {
        case .start:
            // A break started by hand writes nothing; its journal break began when the focus completed.
            guard before.phase == .focus else { return }
            if let session, session.status.after(.end) != nil {
                // The timer was idle, so this session has no focus any more: it ended unnoticed.
                try JournalFlow.apply(.end, to: session, userID: userID, category: nil, at: now, on: conn)
            }
            guard let intent = choice.intent else { return }
            if let open, open.place != .timer { throw JournalFlow.openElsewhere(open) }
            _ = try JournalFlow.begin(userID: userID, intent: intent, place: .timer, roomCode: nil, at: now, on: conn)
        case .pause:
            guard before.phase == .focus, let session, session.status.after(.pause) != nil else { return }
            try JournalFlow.apply(.pause, to: session, userID: userID, category: choice.category, at: now, on: conn)
        case .resume:
            guard before.phase == .focus, let session, session.status.after(.resume) != nil else { return }
            try JournalFlow.apply(.resume, to: session, userID: userID, category: nil, at: now, on: conn)
        case .skip, .reset, .stop, .startBreak:
            if before.phase == .focus, before.status != .idle, let session, session.status.after(.end) != nil {
                try JournalFlow.apply(.end, to: session, userID: userID, category: nil, at: now, on: conn)
            }
            // Skipping or stopping a break ends it; restarting it or switching to the other
            // break keeps the same break going.
            if before.phase.isBreak, control == .skip || control == .stop { try endBreak(userID: userID, at: now, on: conn) }
        }
    }

    /// A focus running on the timer without a journal entry (started without a chip) added to the
    /// journal with `intent`, as from when it began (the run so far; pauses before it stay out).
    /// Refused while no focus runs, or while a session is open (here or elsewhere).
    static func attach(userID: String, intent: IntentCategory, at now: Date, on conn: PostgresConnection) throws {
        // The timer first, then the owner: the order the timer's own moves take.
        let timer = try PersonalTimerStore.lock(.user(userID), now: now, on: conn)
        let clock = timer.clock
        guard clock.phase == .focus, clock.status == .running, !PersonalTimerRun.isDue(timer, now: now) else {
            throw JournalRefusal.outOfOrder(
                "Only a focus running on your timer can be added to your journal: start one with a chip, or resume it first.")
        }
        try JournalStore.lockOwner(userID, on: conn)
        if let open = try JournalStore.openSession(userID: userID, on: conn) { throw JournalFlow.openElsewhere(open) }
        let began = now.addingTimeInterval(-Double(clock.ranMs(at: now)) / 1000)
        _ = try JournalFlow.begin(userID: userID, intent: intent, place: .timer, roomCode: nil, at: began, on: conn)
    }

    /// The session a focus that started by itself at `at` belongs to: a new one with the intent
    /// of the session before, when that one was kept on the timer, completed, and its break was
    /// what just ran. nil otherwise (that focus stays out of the journal).
    private static func carryOn(userID: String, at: Date, on conn: PostgresConnection) throws -> JournalStore.Session? {
        guard let latest = try JournalStore.latest(userID: userID, at: at, on: conn), latest.session.place == .timer,
            latest.session.status == .completed, latest.breakUnderWay
        else { return nil }
        let intent = latest.session.intent
        let id = try JournalFlow.begin(userID: userID, intent: intent, place: .timer, roomCode: nil, at: at, on: conn)
        return JournalStore.Session(id: id, status: .running, place: .timer, roomCode: nil, intent: intent)
    }

    /// Ends the break under way after a session kept on the timer (a room's or the journal
    /// page's break is not the timer's to end).
    private static func endBreak(userID: String, at: Date, on conn: PostgresConnection) throws {
        guard let open = try JournalStore.openBreak(userID: userID, on: conn), open.place == .timer else { return }
        try JournalLog.append(.breakEnded(breakID: open.id), userID: userID, at: at, on: conn)
    }
}
