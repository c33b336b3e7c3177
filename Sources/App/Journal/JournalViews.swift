import Domain
import Foundation
import Web

/// How the journal looks, always to its owner alone: the chips (radio buttons styled as chips),
/// the panel of what is under way (on /journal, beside the personal timer, and in a room's
/// per-viewer part of the page), and the day list.
enum JournalViews {
    /// Days on one page of the list: a week of daily use is about 56 sessions.
    static let daysPerPage = 7

    // MARK: Chips

    /// A group of chips for `partials/journal_chips`: one radio button per value, `checked` first.
    static func chips(
        _ name: String, legend: String, _ options: [(value: String, words: String)], checked: String?, required: Bool
    ) -> TemplateValue {
        .object([
            "chip_name": .text(name), "legend": .text(legend), "chip_required": .bool(required),
            "chip_options": .list(
                options.map { ["value": .text($0.value), "words": .text($0.words), "checked": .bool($0.value == checked)] }),
        ])
    }

    static func intentChips(checked: IntentCategory?, required: Bool = true, legend: String = "What is this session for?") -> TemplateValue {
        chips(
            "intent", legend: legend, IntentCategory.allCases.map { ($0.rawValue, $0.words) }, checked: checked?.rawValue,
            required: required)
    }

    static func categoryChips(checked: InterruptionCategory?, required: Bool, legend: String = "What interrupted you?") -> TemplateValue {
        chips(
            "category", legend: legend, InterruptionCategory.allCases.map { ($0.rawValue, $0.words) }, checked: checked?.rawValue,
            required: required)
    }

    static func activityChips(checked: BreakActivity?, legend: String = "What is the break for?") -> TemplateValue {
        chips("activity", legend: legend, BreakActivity.allCases.map { ($0.rawValue, $0.words) }, checked: checked?.rawValue, required: true)
    }

    // MARK: Times

    /// "14:05" in `zone`, and ISO 8601 (UTC) for `datetime`.
    static func time(_ epoch: Double, zone: TimeZone) -> TemplateValue {
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: epoch))
        let seconds = ((Int(epoch.rounded(.down)) + offset) % 86_400 + 86_400) % 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return .object([
            "text": .text("\(two(seconds / 3600)):\(two(seconds % 3600 / 60))"),
            "iso": .text(MessageViews.Clock(timezone: zone.identifier).iso(epoch)),
        ])
    }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]
    static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// "Tuesday 2 December 2026".
    static func dayWords(_ date: LocalDate) -> String {
        let c = date.components
        return "\(weekdayNames[date.isoWeekday - 1]) \(c.day) \(monthNames[c.month - 1]) \(c.year)"
    }

    static func count(_ n: Int, _ one: String, _ many: String) -> String { n == 1 ? "1 \(one)" : "\(n) \(many)" }

    // MARK: The panel of what is under way

    /// A voice note, or the form to add one (`target` and its id). Both keys are always set:
    /// a section that lacks one would find the enclosing entry's instead.
    static func note(_ note: JournalNote?, target: JournalNoteTarget, id: String) -> TemplateContext {
        if let note { return ["note": .object(template(note.context)), "voice": .bool(false)] }
        return ["note": .bool(false), "voice": .object(["target": .text(target.rawValue), "target_id": .text(id)])]
    }

    /// `JournalNote.context`'s plain values (text, numbers, flags) as template values.
    static func template(_ plain: [String: Any]) -> TemplateContext {
        var c = TemplateContext()
        for (key, value) in plain {
            switch value {
            case let flag as Bool: c[key] = .bool(flag)
            case let text as String: c[key] = .text(text)
            default: c[key] = .text("\(value)")
            }
        }
        return c
    }

    /// Where the open session is kept, when it is not where the panel is.
    private static func elsewhere(_ session: JournalStore.Session) -> TemplateContext {
        switch session.place {
        case .timer:
            return [
                "text": .text("Your \(session.intent.words.lowercased()) session runs with your timer."), "link": .text("/timer"),
                "link_text": .text("Open your timer"),
            ]
        case .room:
            let code = session.roomCode.flatMap(RoomCode.init(parsing:))
            return [
                "text": .text("Your \(session.intent.words.lowercased()) session is open in room \(code?.display ?? "")."),
                "link": .text(code.map { "/r/\($0.display)" } ?? "/journal"), "link_text": .text("Go to the room"),
            ]
        case .journal:
            return [
                "text": .text("Your \(session.intent.words.lowercased()) session is open on your journal page."),
                "link": .text("/journal#journal-now"), "link_text": .text("Open your journal"),
            ]
        }
    }

    /// The panel for `partials/journal_now`, as kept `from` one place (`roomCode` in a room):
    /// the open session with the steps that may follow (on the timer, its own controls move it),
    /// its pause, the break under way with its activity, and the start form when nothing is open
    /// (the timer's Start carries its own chips).
    static func now(_ panel: JournalPanel, from here: JournalPlace, roomCode: RoomCode?, zone: TimeZone) -> TemplateContext {
        // Every key is set: a room page's own context must never fill a gap in this one.
        var c: TemplateContext = [
            "from": .text(here.rawValue), "room_code": roomCode.map { .text($0.display) } ?? .bool(false),
            "on_timer": .bool(here == .timer), "session": .bool(false), "elsewhere": .bool(false), "break_now": .bool(false),
            "start": .bool(false), "unjournaled": .bool(false),
            "quiet": .bool(panel.open == nil && panel.breakUnderWay == nil),
        ]
        if let open = panel.open {
            let s = open.session
            let isHere = s.place == here && (here != .room || s.roomCode == roomCode?.display)
            if isHere {
                var session: TemplateContext = [
                    "id": .text(s.id), "intent_words": .text(s.intent.words), "status_words": .text(s.status.words),
                    "started": time(open.startedAt.timeIntervalSince1970, zone: zone),
                    "pauses_text": .text(count(open.interruptionCount, "pause", "pauses")),
                    "running": .bool(s.status == .running), "paused": .bool(s.status == .interrupted),
                    "by_hand": .bool(here != .timer), "intent_chips": intentChips(checked: s.intent, legend: "What it is for"),
                ]
                session["pause_chips"] = s.status == .running && here != .timer ? categoryChips(checked: nil, required: false) : .bool(false)
                session.merge(note(open.note, target: .session, id: s.id))
                session["pause"] = .bool(false)
                if let pause = open.pause {
                    var p: TemplateContext = [
                        "id": .text(pause.id), "category_words": .text(pause.category.words),
                        "since": time(pause.occurredAt.timeIntervalSince1970, zone: zone),
                        "category_chips": categoryChips(checked: pause.category, required: true),
                    ]
                    p.merge(note(pause.note, target: .interruption, id: pause.id))
                    session["pause"] = .object(p)
                }
                c["session"] = .object(session)
            } else {
                c["elsewhere"] = .object(elsewhere(s))
            }
        } else if let now = panel.breakUnderWay {
            let b = now.breakSession
            var breakContext: TemplateContext = [
                "id": .text(b.id), "after_words": .text(now.intent.words), "since": time(now.startedAt.timeIntervalSince1970, zone: zone),
                "activity_chips": activityChips(checked: b.activity),
                // A timer's break ends with the timer's (skip it there); others by hand.
                "can_end": .bool(!(here == .timer && b.place == .timer)),
            ]
            breakContext["activity_words"] = b.activity.map { .text($0.words) } ?? .bool(false)
            breakContext.merge(note(now.note, target: .breakActivity, id: b.id))
            c["break_now"] = .object(breakContext)
        }
        if panel.open == nil, here != .timer {
            c["start"] = .object(["intent_chips": intentChips(checked: panel.lastIntent)])
        }
        return c
    }

    /// The personal timer page's part: for a guest, that signing in keeps a journal; for an
    /// account, the panel, and the chips the Start form (a focus about to start, nothing open
    /// elsewhere) and the Pause form (a journaled focus running) carry.
    static func timerContext(_ ctx: RequestContext, user: CurrentUser?, clock: TimerClock) throws -> TemplateContext {
        guard let user else { return ["journal_guest": .bool(true)] }
        let panel = try ctx.services.database.withConnection { try JournalStore.panel(userID: user.id, on: $0) }
        let zone = MessageViews.Clock.zone(user.timezone)
        var panelContext = now(panel, from: .timer, roomCode: nil, zone: zone)
        var c: TemplateContext = [:]
        let onTimer = panel.open.map { $0.session.place == .timer }
        // Start is never held up by the journal: without a chip the focus runs alone, and the panel
        // offers to add it.
        if clock.phase == .focus, clock.status == .idle, onTimer != false {
            c["journal_start"] = intentChips(checked: panel.lastIntent, required: false, legend: "What is this focus for?")
        }
        if clock.phase == .focus, clock.status == .running, onTimer == true, panel.open?.session.status == .running {
            c["journal_pause"] = categoryChips(checked: nil, required: false, legend: "If you pause: what interrupted you?")
        }
        if clock.phase == .focus, clock.status != .idle, panel.open == nil {
            panelContext["unjournaled"] = .object([
                "attach_chips": clock.status == .running
                    ? intentChips(checked: panel.lastIntent, legend: "What is this focus for?") : .bool(false)
            ])
        }
        c["journal_now"] = .object(panelContext)
        return c
    }

    /// A room page's part for a signed-in member: their own journal beside the room, shown to
    /// nobody else (it goes into the page's per-viewer context, never the shared fragments). A
    /// failing read leaves it out rather than failing the room page.
    static func roomContext(_ ctx: RequestContext, _ snapshot: RoomSnapshot) -> TemplateContext {
        guard snapshot.member(for: ctx.session) != nil, let user = ctx.userForChrome,
            let panel = try? ctx.services.database.withConnection({ try JournalStore.panel(userID: user.id, on: $0) })
        else { return [:] }
        let zone = MessageViews.Clock.zone(user.timezone)
        return ["room_journal": .object(now(panel, from: .room, roomCode: snapshot.room.code, zone: zone))]
    }

    // MARK: The day list

    /// Where a session was kept, in words.
    static func placeWords(_ place: JournalPlace, roomCode: String?) -> String {
        switch place {
        case .timer: return "with your timer"
        case .room: return "in room \(roomCode.flatMap(RoomCode.init(parsing:))?.display ?? "")"
        case .journal: return "logged by hand"
        }
    }

    static func minutes(_ n: Int?) -> String { n.map { "\($0) min" } ?? "under way" }

    /// The days, newest first, each with its sessions (oldest first within the day), their
    /// interruptions and break, every voice note and the forms that add one. `editing` (one
    /// session's own page): the chips that change a choice too; the list links there instead, which
    /// keeps a week of daily use a light page. Every optional key is set (see `note`).
    static func days(
        _ days: [JournalDayStore.Day], sessions: [JournalDayStore.Session], interruptions: [JournalDayStore.Interruption],
        breaks: [JournalDayStore.Break], zone: TimeZone, editing: Bool = false
    ) -> TemplateValue {
        func editable(_ chips: @autoclosure () -> TemplateValue) -> TemplateValue { editing ? chips() : .bool(false) }
        let pausesBySession = Dictionary(grouping: interruptions, by: \.sessionID)
        let breakBySession = Dictionary(breaks.map { ($0.sessionID, $0) }, uniquingKeysWith: { a, _ in a })
        let sessionsByDay = Dictionary(grouping: sessions, by: \.dayID)
        return .list(
            days.map { day in
                let shown = sessionsByDay[day.id] ?? []
                return [
                    "date": .text(day.date.iso), "date_words": .text(dayWords(day.date)),
                    "totals": .text(
                        "\(count(day.total, "session", "sessions")) · \(day.completed) completed · \(day.endedEarly) ended early"),
                    "sessions": .list(
                        shown.map { s in
                            var item: TemplateContext = [
                                "id": .text(s.id), "day": .text(day.date.iso), "started": time(s.startedAt, zone: zone),
                                "intent": .text(s.intent.rawValue), "intent_words": .text(s.intent.words),
                                "status": .text(s.status.rawValue), "status_words": .text(s.status.words),
                                "minutes_text": .text(minutes(s.minutes)), "place_words": .text(placeWords(s.place, roomCode: s.roomCode)),
                                "intent_chips": editable(intentChips(checked: s.intent, legend: "What it was for")),
                                "interruptions": .list(
                                    (pausesBySession[s.id] ?? []).map { i in
                                        var pause: TemplateContext = [
                                            "id": .text(i.id), "session_id": .text(s.id), "day": .text(day.date.iso),
                                            "at": time(i.occurredAt, zone: zone),
                                            "category": .text(i.category.rawValue), "category_words": .text(i.category.words),
                                            "paused_for": .text(
                                                i.resumedAt.map { "paused \(max(0, Int((($0 - i.occurredAt) / 60).rounded()))) min" }
                                                    ?? "paused now"),
                                            "by_voice": .bool(i.source == .voice),
                                            "category_chips": editable(
                                                categoryChips(checked: i.category, required: true, legend: "What interrupted")),
                                        ]
                                        pause.merge(note(i.note, target: .interruption, id: i.id))
                                        return pause
                                    }),
                            ]
                            item["has_interruptions"] = .bool(pausesBySession[s.id]?.isEmpty == false)
                            item.merge(note(s.note, target: .session, id: s.id))
                            if let b = breakBySession[s.id] {
                                var breakItem: TemplateContext = [
                                    "id": .text(b.id), "session_id": .text(s.id), "day": .text(day.date.iso),
                                    "at": time(b.startedAt, zone: zone),
                                    "minutes_text": .text(minutes(b.minutes)),
                                    "activity_words": b.activity.map { .text($0.words) } ?? .bool(false),
                                    "activity_chips": editable(activityChips(checked: b.activity, legend: "What the break was for")),
                                ]
                                breakItem.merge(note(b.note, target: .breakActivity, id: b.id))
                                item["break"] = .object(breakItem)
                            } else {
                                item["break"] = .bool(false)
                            }
                            return item
                        }),
                ]
            })
    }
}
