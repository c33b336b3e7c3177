import Domain
import Foundation
import Web

/// `/journal`: the owner's days as a list (review first), the panel of what is under way, and the
/// session flow's forms (start, pause, resume, complete, end early; the intent, an interruption's
/// category and a break's activity chosen again; a break's end). The same forms serve the panel
/// beside the personal timer (`from=timer`) and beside a room (`from=room`, `room=CODE`): the
/// answer goes back there, and so does a refusal, shown with its reason and status and nothing
/// stored. Every id is the owner's or a 404 exactly like a missing one.
enum JournalHandlers {
    // MARK: The page

    /// GET /journal (`?before=YYYY-MM-DD` for older days, `?after=` for newer ones).
    static let page: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        return try journalPage(ctx, user: user, window: try window(ctx))
    }

    /// The window the query asks for: one of before and after, each a date; anything else is a 422.
    static func window(_ ctx: RequestContext) throws -> JournalDayStore.Window {
        let query = ctx.request.query
        let before: String?
        let after: String?
        do {
            before = try query.value("before")
            after = try query.value("after")
        } catch {
            throw JournalRefusal.invalid("Give before or after once, as a date like 2026-12-02.")
        }
        func date(_ text: String) throws -> LocalDate {
            guard text.utf8.count == 10, let day = LocalDate(iso: text), (1970...9999).contains(day.components.year) else {
                throw JournalRefusal.invalid("Days are dates like 2026-12-02.")
            }
            return day
        }
        switch (before, after) {
        case (nil, nil), ("", nil), (nil, ""): return .newest
        case (let b?, nil): return .before(try date(b))
        case (nil, let a?): return .after(try date(a))
        default: throw JournalRefusal.invalid("Ask for the days before a date or after it, not both.")
        }
    }

    /// The page: the panel, then a page of days. `error`: a refused form's reason, at the top.
    static func journalPage(
        _ ctx: RequestContext, user: CurrentUser, window: JournalDayStore.Window, error: String? = nil, status: HTTPStatus = .ok
    ) throws -> Outcome {
        let zone = MessageViews.Clock.zone(user.timezone)
        let (panel, found, sessions, interruptions, breaks, older, newer) = try ctx.services.database.withConnection { conn in
            let panel = try JournalStore.panel(userID: user.id, on: conn)
            let (days, more) = try JournalDayStore.days(userID: user.id, window, limit: JournalViews.daysPerPage, on: conn)
            let sessions = try JournalDayStore.sessions(userID: user.id, dayIDs: days.map(\.id), on: conn)
            let ids = sessions.map(\.id)
            let interruptions = try JournalDayStore.interruptions(userID: user.id, sessionIDs: ids, on: conn)
            let breaks = try JournalDayStore.breaks(userID: user.id, sessionIDs: ids, on: conn)
            // The links: further in the window's direction is `more`; the other way is asked.
            var older = false
            var newer = false
            switch window {
            case .newest: older = more
            case .before:
                older = more
                newer = try days.first.map { try JournalDayStore.hasDay(userID: user.id, after: $0.date, on: conn) } ?? false
            case .after:
                newer = more
                older = try days.last.map { try JournalDayStore.hasDay(userID: user.id, before: $0.date, on: conn) } ?? false
            }
            return (panel, days, sessions, interruptions, breaks, older, newer)
        }
        var context: TemplateContext = [
            "journal_now": .object(JournalViews.now(panel, from: .journal, roomCode: nil, zone: zone)),
            "days": JournalViews.days(found, sessions: sessions, interruptions: interruptions, breaks: breaks, zone: zone),
            "no_days": .bool(found.isEmpty), "first_page": .bool(window == .newest), "editing": .bool(false),
        ]
        if older, let last = found.last { context["older"] = .text("/journal?before=\(last.date.iso)") }
        if newer, let first = found.first { context["newer"] = .text("/journal?after=\(first.date.iso)") }
        if let error { context["error"] = .text(error) }
        return Views.page("journal", title: "Your journal", context, ctx: ctx, status: status)
    }

    /// GET /journal/sessions/:id: one session with its pauses and break, and the chips that change
    /// what each was for (the day list links here, which keeps it light).
    static let sessionPage: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        return try entryPage(ctx, user: user, sessionID: id(ctx))
    }

    static func entryPage(
        _ ctx: RequestContext, user: CurrentUser, sessionID: String, error: String? = nil, status: HTTPStatus = .ok
    )
        throws -> Outcome
    {
        guard JournalEvent.isID(sessionID) else { throw JournalRefusal.notFound }
        let zone = MessageViews.Clock.zone(user.timezone)
        let found = try ctx.services.database.withConnection {
            conn -> (JournalDayStore.Day, JournalDayStore.Session, [JournalDayStore.Interruption], [JournalDayStore.Break])? in
            guard let (day, session) = try JournalDayStore.session(userID: user.id, id: sessionID, on: conn) else { return nil }
            return (
                day, session, try JournalDayStore.interruptions(userID: user.id, sessionIDs: [session.id], on: conn),
                try JournalDayStore.breaks(userID: user.id, sessionIDs: [session.id], on: conn)
            )
        }
        guard let (day, session, interruptions, breaks) = found else { throw JournalRefusal.notFound }
        var context: TemplateContext = [
            "days": JournalViews.days([day], sessions: [session], interruptions: interruptions, breaks: breaks, zone: zone, editing: true),
            "editing": .bool(true), "heading": .text("\(session.intent.words), \(JournalViews.dayWords(day.date))"),
            "back": .text("/journal?before=\(day.date.adding(days: 1).iso)#session-\(session.id)"),
            "back_words": .text(JournalViews.dayWords(day.date)),
        ]
        if let error { context["error"] = .text(error) }
        return Views.page("journal_session", title: "A session in your journal", context, ctx: ctx, status: status)
    }

    // MARK: Where a form goes back to

    /// Where the form was: the journal page (by default), the timer page, or a room's page
    /// (`room`, which must be a room code; the answer never goes anywhere a form names).
    enum Back {
        case journal(anchor: String)
        /// A session's own page (`entry`).
        case entry(String, anchor: String)
        case timer
        case room(RoomCode)

        static func from(_ ctx: RequestContext, anchor: String) throws -> Back {
            switch try ctx.field("from") {
            case JournalPlace.timer.rawValue: return .timer
            case JournalPlace.room.rawValue:
                guard let code = RoomCode(parsing: try ctx.field("room")) else { return .journal(anchor: anchor) }
                return .room(code)
            default:
                let entry = try ctx.field("entry")
                if JournalEvent.isID(entry) { return .entry(entry, anchor: anchor) }
                // A form on the day list names its day, so the answer shows that page of days.
                if let day = LocalDate(iso: try ctx.field("day")), (1970...9999).contains(day.components.year) {
                    return .journal(anchor: "?before=\(day.adding(days: 1).iso)#\(anchor)")
                }
                return .journal(anchor: "#\(anchor)")
            }
        }

        var location: String {
            switch self {
            case .journal(let anchor): return "/journal" + anchor
            case .entry(let id, let anchor): return "/journal/sessions/\(id)#\(anchor)"
            case .timer: return "/timer"
            case .room(let code): return "/r/\(code.display)#room-journal"
            }
        }
    }

    /// Counts the write (past `journalWrites`: 429 with Retry-After), runs `change` in a
    /// transaction and goes back; a refusal shows the page the form was on, with the reason and
    /// its status (nothing stored: the transaction rolled back).
    static func acting(_ ctx: RequestContext, anchor: String, _ change: @escaping (String) throws -> Void) throws -> Outcome {
        let user = try AccountFlow.signedInUser(ctx)
        try ctx.limit(ctx.services.config.rateLimits.journalWrites)
        let back = try Back.from(ctx, anchor: anchor)
        do {
            try change(user.id)
        } catch let refusal as JournalRefusal {
            let status = ErrorMapping.status(refusal)
            switch back {
            case .timer: return try TimerHandlers.timerPage(ctx, error: refusal.message, status: status)
            case .room(let code):
                let snapshot = try RoomHandlers.present(ctx, code)
                return RoomHandlers.roomPage(ctx, snapshot, error: refusal.message, status: status)
            case .entry(let id, _): return try entryPage(ctx, user: user, sessionID: id, error: refusal.message, status: status)
            case .journal: return try journalPage(ctx, user: user, window: .newest, error: refusal.message, status: status)
            }
        }
        return .response(.redirect(to: back.location))
    }

    /// The id in the path, as it is (the flow checks it with `JournalEvent.isID`).
    private static func id(_ ctx: RequestContext) -> String { ctx.request.parameter("id") }

    // MARK: The flow

    /// POST /journal/start (intent; from=room with room=CODE for a session beside a room the
    /// person has a seat in; from=timer adds the focus running on the timer without an entry).
    static let start: Handler = { ctx in
        try acting(ctx, anchor: "journal-now") { userID in
            guard let intent = try JournalChoice.intent(ctx) else {
                throw JournalRefusal.invalid("Choose what the session is for: one of the chips.")
            }
            let now = ctx.now
            if try ctx.field("from") == JournalPlace.timer.rawValue {
                // The focus running on the timer without an entry: added as from when it began.
                try ctx.services.database.transaction { try JournalTimerLink.attach(userID: userID, intent: intent, at: now, on: $0) }
                return
            }
            var place = JournalPlace.journal
            var code: RoomCode?
            if try ctx.field("from") == JournalPlace.room.rawValue {
                // Only beside a room the person sits in; any other code is a room that is not there.
                guard let parsed = RoomCode(parsing: try ctx.field("room")),
                    (try? RoomHandlers.present(ctx, parsed))?.member(for: ctx.session) != nil
                else { throw JournalRefusal.notFound }
                place = .room
                code = parsed
            }
            try ctx.services.database.transaction { conn in
                _ = try JournalFlow.start(userID: userID, intent: intent, place: place, roomCode: code?.display, at: now, on: conn)
            }
        }
    }

    /// POST /journal/sessions/:id/pause (category; none is `other`), /resume, /complete, /end.
    static func step(_ step: JournalStep) -> Handler {
        { ctx in
            try acting(ctx, anchor: "journal-now") { userID in
                let category = step == .pause ? try JournalChoice.category(ctx) : nil
                let now = ctx.now
                try ctx.services.database.transaction { conn in
                    try JournalFlow.step(step, userID: userID, sessionID: id(ctx), category: category, at: now, on: conn)
                }
            }
        }
    }

    /// POST /journal/sessions/:id/intent (intent): what the session is (or was) for.
    static let intent: Handler = { ctx in
        try acting(ctx, anchor: "session-\(id(ctx))") { userID in
            guard let intent = try JournalChoice.intent(ctx) else {
                throw JournalRefusal.invalid("Choose what the session is for: one of the chips.")
            }
            let now = ctx.now
            try ctx.services.database.transaction { conn in
                try JournalFlow.chooseIntent(intent, userID: userID, sessionID: id(ctx), at: now, on: conn)
            }
        }
    }

    /// POST /journal/interruptions/:id/category (category): what interrupted.
    static let category: Handler = { ctx in
        try acting(ctx, anchor: "interruption-\(id(ctx))") { userID in
            guard let category = try JournalChoice.category(ctx) else {
                throw JournalRefusal.invalid("Choose what interrupted you: one of the chips.")
            }
            let now = ctx.now
            try ctx.services.database.transaction { conn in
                try JournalFlow.categorise(category, userID: userID, interruptionID: id(ctx), at: now, on: conn)
            }
        }
    }

    /// POST /journal/breaks/:id/activity (activity): what the break is (or was) for.
    static let activity: Handler = { ctx in
        try acting(ctx, anchor: "break-\(id(ctx))") { userID in
            guard let activity = try JournalChoice.activity(ctx) else {
                throw JournalRefusal.invalid("Choose what the break is for: one of the chips.")
            }
            let now = ctx.now
            try ctx.services.database.transaction { conn in
                try JournalFlow.chooseActivity(activity, userID: userID, breakID: id(ctx), at: now, on: conn)
            }
        }
    }

    /// POST /journal/breaks/:id/end: the break is over (a timer's break ends with the timer's).
    static let endBreak: Handler = { ctx in
        try acting(ctx, anchor: "journal-now") { userID in
            let now = ctx.now
            try ctx.services.database.transaction { conn in try JournalFlow.endBreak(userID: userID, breakID: id(ctx), at: now, on: conn) }
        }
    }
}
