import Domain
import Foundation
import Postgres

/// The journal's session flow (seed 004 §4.4): start with an intent, pause with what interrupted,
/// resume, complete (a break begins), end early; later choices of an intent, a category or a
/// break's activity; a break's end. Every step locks the owner, finds the entry by id and owner
/// (someone else's reads as missing: `notFound`), asks `JournalSessionStatus.after` whether it
/// may follow (`outOfOrder` otherwise), and appends through `JournalLog`, in the caller's
/// transaction: a refusal thrown out of it leaves nothing stored.
enum JournalFlow {
    // MARK: Steps people take on /journal and in a room

    /// Starts a session kept on the journal page or alongside room `roomCode`; refused while
    /// another is open. Returns the new session's id.
    static func start(
        userID: String, intent: IntentCategory, place: JournalPlace, roomCode: String?, at: Date, on conn: PostgresConnection
    ) throws -> String {
        try JournalStore.lockOwner(userID, on: conn)
        if let open = try JournalStore.openSession(userID: userID, on: conn) { throw openElsewhere(open) }
        return try begin(userID: userID, intent: intent, place: place, roomCode: roomCode, at: at, on: conn)
    }

    /// Pauses, resumes, completes or ends the owner's session `sessionID`. A session that follows
    /// the personal timer is moved by the timer alone (`JournalTimerLink`), so the two never
    /// disagree. Returns the session as it was before the step.
    @discardableResult
    static func step(
        _ step: JournalStep, userID: String, sessionID: String, category: InterruptionCategory?, at: Date, on conn: PostgresConnection
    ) throws -> JournalStore.Session {
        try JournalStore.lockOwner(userID, on: conn)
        guard JournalEvent.isID(sessionID), let session = try JournalStore.session(userID: userID, id: sessionID, on: conn) else {
            throw JournalRefusal.notFound
        }
        if let refused = JournalStepRefusal.refusal(step, from: session.status) { throw refused }
        if session.place == .timer {
            throw JournalRefusal.outOfOrder(
                "This session runs with your timer: pause, resume or stop it on the timer page, and it completes when the focus ends.")
        }
        try apply(step, to: session, userID: userID, category: category, at: at, on: conn)
        return session
    }

    /// Chooses the intent of session `sessionID` again (any session of the owner's, ended ones
    /// included: a correction). Nothing is appended when it is already that intent.
    @discardableResult
    static func chooseIntent(
        _ intent: IntentCategory, userID: String, sessionID: String, at: Date, on conn: PostgresConnection
    ) throws
        -> JournalStore.Session
    {
        try JournalStore.lockOwner(userID, on: conn)
        guard JournalEvent.isID(sessionID), let session = try JournalStore.session(userID: userID, id: sessionID, on: conn) else {
            throw JournalRefusal.notFound
        }
        if session.intent != intent {
            try JournalLog.append(.intentChosen(session: session.id, intent: intent), userID: userID, at: at, on: conn)
        }
        return session
    }

    /// Says what interrupted pause `interruptionID` (again).
    @discardableResult
    static func categorise(
        _ category: InterruptionCategory, userID: String, interruptionID: String, at: Date, on conn: PostgresConnection
    ) throws -> JournalStore.Interruption {
        try JournalStore.lockOwner(userID, on: conn)
        guard JournalEvent.isID(interruptionID),
            let interruption = try JournalStore.interruption(userID: userID, id: interruptionID, on: conn)
        else { throw JournalRefusal.notFound }
        if interruption.category != category {
            try JournalLog.append(
                .interruptionCategorised(interruption: interruption.id, category: category), userID: userID, at: at, on: conn)
        }
        return interruption
    }

    /// Says what break `breakID` was for (again).
    @discardableResult
    static func chooseActivity(
        _ activity: BreakActivity, userID: String, breakID: String, at: Date, on conn: PostgresConnection
    ) throws
        -> JournalStore.Break
    {
        try JournalStore.lockOwner(userID, on: conn)
        guard JournalEvent.isID(breakID), let found = try JournalStore.breakSession(userID: userID, id: breakID, on: conn) else {
            throw JournalRefusal.notFound
        }
        if found.activity != activity {
            try JournalLog.append(.breakActivityChosen(breakID: found.id, activity: activity), userID: userID, at: at, on: conn)
        }
        return found
    }

    /// Ends break `breakID` now; refused when it has ended already.
    @discardableResult
    static func endBreak(userID: String, breakID: String, at: Date, on conn: PostgresConnection) throws -> JournalStore.Break {
        try JournalStore.lockOwner(userID, on: conn)
        guard JournalEvent.isID(breakID), let found = try JournalStore.breakSession(userID: userID, id: breakID, on: conn) else {
            throw JournalRefusal.notFound
        }
        guard !found.ended else { throw JournalRefusal.outOfOrder("This break has already ended.") }
        try JournalLog.append(.breakEnded(breakID: found.id), userID: userID, at: at, on: conn)
        return found
    }

    // MARK: The appends themselves (callers have locked the owner and checked the order)

    /// Appends a new session's start; its day is the personal timer's day at `at`.
    static func begin(
        userID: String, intent: IntentCategory, place: JournalPlace, roomCode: String?, at: Date, on conn: PostgresConnection
    ) throws -> String {
        let id = JournalEvent.newID()
        let day = try JournalDayRule.day(userID: userID, at: at, on: conn)
        try JournalLog.append(
            .sessionStarted(session: id, intent: intent, day: day, place: place, roomCode: roomCode), userID: userID, at: at, on: conn)
        return id
    }

    /// Appends `step` for `session` (a pause gets a new interruption, a completion a new break).
    static func apply(
        _ step: JournalStep, to session: JournalStore.Session, userID: String, category: InterruptionCategory?, at: Date,
        on conn: PostgresConnection
    ) throws {
        let event: JournalEvent
        switch step {
        case .pause:
            event = .sessionPaused(session: session.id, interruption: JournalEvent.newID(), category: category ?? .other)
        case .resume: event = .sessionResumed(session: session.id)
        case .complete: event = .sessionCompleted(session: session.id, breakID: JournalEvent.newID())
        case .end: event = .sessionEnded(session: session.id)
        }
        try JournalLog.append(event, userID: userID, at: at, on: conn)
    }

    /// The refusal of a start while `open` is still under way, saying where it is.
    static func openElsewhere(_ open: JournalStore.Session) -> JournalRefusal {
        let where_: String
        switch open.place {
        case .timer: where_ = "on your timer"
        case .room: where_ = open.roomCode.map { "in room \($0)" } ?? "in a room"
        case .journal: where_ = "on your journal page"
        }
        return .outOfOrder("You already have a session open \(where_). Complete it or end it early first.")
    }
}
