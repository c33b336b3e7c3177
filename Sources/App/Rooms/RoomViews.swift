import Domain
import Foundation
import Web

/// Turns room snapshots into template contexts and JSON. Parts shared by every viewer (the
/// long-poll fragments) are rendered with an empty CSRF token and without viewer-specific
/// content; the page script fills the token in.
enum RoomViews {
    static func themes(selected: String) -> TemplateValue {
        .list(Theme.allCases.map { ["value": .text($0.rawValue), "label": .text($0.label), "selected": .bool($0.rawValue == selected)] })
    }

    static func kinds(selected: String) -> TemplateValue {
        .list(SegmentKind.allCases.map { ["value": .text($0.rawValue), "label": .text($0.label), "selected": .bool($0.rawValue == selected)] })
    }

    // MARK: Shared parts

    /// How many people "who is here" lists besides the host; the rest are counted ("and N more").
    static let listedPeople = 50

    /// Who the shared list shows: everyone in a small room; in a larger one the host and the
    /// `listedPeople` most recently active, in the room's order (host first, then by joining),
    /// so the list does not reshuffle on every poll. Bounded whatever the room's size.
    static func listed(_ snapshot: RoomSnapshot) -> (members: [RoomSnapshot.Member], more: Int) {
        let members = snapshot.members
        guard members.count > listedPeople + 1 else { return (members, 0) }
        let elapsed = snapshot.age
        let seen = snapshot.lookup.seenIDs()
        let idle = members.map { seen.contains($0.id) ? 0 : $0.idleAtLoad + elapsed }
        var chosen = Set<Int>()
        if let host = members.firstIndex(where: { $0.role == "host" }) { chosen.insert(host) }
        let byActivity = members.indices.filter { !chosen.contains($0) }.sorted { idle[$0] < idle[$1] }
        chosen.formUnion(byActivity.prefix(listedPeople))
        let shown = chosen.sorted().map { members[$0] }
        return (shown, members.count - shown.count)
    }

    static func participants(_ snapshot: RoomSnapshot, _ shown: [RoomSnapshot.Member]) -> TemplateValue {
        let elapsed = snapshot.age
        return .list(shown.map { m in
            ["id": .text(m.id), "name": .text(m.name), "is_host": .bool(m.role == "host"),
             "online": .bool(snapshot.isOnline(m, elapsed: elapsed)),
             "initial": .text(m.name.first.map { String($0).uppercased() } ?? "?")]
        })
    }

    static func online(_ member: RoomSnapshot.Member, _ elapsed: Double) -> Bool {
        member.idleAtLoad + elapsed < Double(RoomStore.onlineWindow)
    }

    static func onlineCount(_ snapshot: RoomSnapshot) -> Int {
        let elapsed = snapshot.age
        let seen = snapshot.lookup.seenIDs()
        let window = Double(RoomStore.onlineWindow)
        return snapshot.members.reduce(0) { $0 + ($1.idleAtLoad + elapsed < window || seen.contains($1.id) ? 1 : 0) }
    }

    static func countText(_ snapshot: RoomSnapshot) -> String {
        let count = snapshot.members.count
        return "\(count) \(count == 1 ? "person" : "people") · \(onlineCount(snapshot)) online"
    }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

    /// "24:59", or "1:04:59" past an hour; rounds up, like the countdown in live.js.
    static func clock(_ ms: Int) -> String {
        let total = (ms + 999) / 1000
        let h = total / 3600, m = total % 3600 / 60, s = total % 60
        return h > 0 ? "\(h):\(twoDigits(m)):\(twoDigits(s))" : "\(twoDigits(m)):\(twoDigits(s))"
    }

    /// An epoch time in UTC as ISO 8601 and as "HH:MM:SS UTC" (civil-from-days arithmetic: this
    /// runs for every page view, where Calendar would cost more than the rest of the timer).
    static func utcTime(_ epochMs: Int) -> (iso: String, text: String) {
        let seconds = epochMs / 1000
        let days = seconds / 86_400, rest = seconds % 86_400
        let z = days + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let time = "\(twoDigits(rest / 3600)):\(twoDigits(rest % 3600 / 60)):\(twoDigits(rest % 60))"
        return ("\(year)-\(twoDigits(month))-\(twoDigits(day))T\(time)Z", time + " UTC")
    }

    static func timer(_ t: TimerView) -> TemplateValue {
        let statusText: String
        switch t.status {
        case "running": statusText = "Running"
        case "paused": statusText = "Paused"
        case "ended": statusText = "The session has ended"
        default: statusText = t.count == 0 ? "Waiting for the host to add segments" : "Not started yet"
        }
        var context: TemplateContext = [
            "status": .text(t.status), "kind": .text(t.kind), "phase": .text(t.phase),
            "ends_at_ms": .text(t.endsAtMs.map(String.init) ?? ""), "remaining_ms": .text(String(t.remainingMs)),
            "server_now_ms": .text(String(t.serverNowMs)), "index": .text(String(t.index)),
            "position": .text(t.count == 0 || t.status == "ended" ? "" : "\(t.index + 1) of \(t.count)"),
            "clock": .text(clock(t.remainingMs)), "status_text": .text(statusText),
            "can_start": .bool(t.status == "idle" && t.count > 0),
            "can_pause": .bool(t.status == "running"), "can_resume": .bool(t.status == "paused"),
            "can_skip": .bool(t.status == "running" || t.status == "paused"),
            "can_restart": .bool(t.status == "running" || t.status == "paused"),
            "can_end": .bool(t.status != "ended"),
        ]
        if let ends = t.endsAtMs {
            let time = utcTime(ends)
            context["ends_at_iso"] = .text(time.iso)
            context["ends_at_text"] = .text(time.text)
        }
        return .object(context)
    }

    /// What someone typed into a form that was refused, to show it again in that form.
    enum Kept {
        case newSegment(kind: String, duration: String, label: String, task: String)
        case segmentEdit(id: String, kind: String, duration: String, label: String, task: String)
        case taskEdit(id: String, text: String, isPublic: Bool)
        case reject(id: String, reason: String)
    }

    static func segments(_ snapshot: RoomSnapshot, kept: Kept? = nil) -> TemplateValue {
        .list(snapshot.segments.map { s in
            let state = snapshot.segmentState(s.position)
            var item: TemplateContext = [
                "id": .text(s.id), "kind": .text(s.kind.rawValue), "kind_label": .text(s.name),
                "duration_text": .text(SegmentDuration.text(s.durationSec)), "state": .text(state.rawValue),
                "is_current": .bool(state == .current), "public_task": .text(s.publicTask ?? ""),
                "editable": .bool(state != .done), "kinds": kinds(selected: s.kind.rawValue),
                "duration_input": .text(SegmentDuration.input(s.durationSec)), "field_label": .text(s.label ?? ""),
                "field_task": .text(s.publicTask ?? ""), "open": .bool(false)]
            if case .segmentEdit(let id, let kind, let duration, let label, let task) = kept, id == s.id {
                item.merge(["kinds": kinds(selected: kind), "duration_input": .text(duration), "field_label": .text(label),
                            "field_task": .text(task), "open": .bool(true)])
            }
            return item
        })
    }

    static func newSegment(kind: String = "focus", duration: String = "25", label: String = "", publicTask: String = "") -> TemplateValue {
        .object(["kinds": kinds(selected: kind), "duration_input": .text(duration), "field_label": .text(label),
                 "field_task": .text(publicTask)])
    }

    static func segmentName(_ snapshot: RoomSnapshot, _ id: String?) -> String {
        guard let id, let segment = snapshot.segments.first(where: { $0.id == id }) else { return "" }
        return "\(segment.position + 1). \(segment.title)"
    }

    static func publicTasks(_ snapshot: RoomSnapshot) -> TemplateValue {
        let items: [TemplateContext] = snapshot.tasks.filter(\.isPublic).map { t in
            ["id": .text(t.id), "text": .text(t.text), "author": .text(t.author), "done": .bool(t.done),
             "segment_name": .text(segmentName(snapshot, t.segmentID))]
        }
        return items.isEmpty ? .bool(false) : .object(["items": .list(items)])
    }

    static func proposals(_ snapshot: RoomSnapshot, kept: Kept? = nil) -> (pending: TemplateValue, decided: TemplateValue) {
        func item(_ p: RoomSnapshot.Proposal) -> TemplateContext {
            var reason = ""
            if case .reject(let id, let typed) = kept, id == p.id { reason = typed }
            return ["id": .text(p.id), "author": .text(p.author), "summary": .text(p.summary), "status": .text(p.status),
                    "reason": .text(p.reason ?? ""), "reason_input": .text(reason)]
        }
        let pending = snapshot.proposals.filter { $0.status == "pending" }.map(item)
        let decided = snapshot.proposals.filter { $0.status != "pending" }.suffix(10).map(item)
        return (pending.isEmpty ? .bool(false) : .object(["items": .list(pending)]),
                decided.isEmpty ? .bool(false) : .object(["items": .list(Array(decided))]))
    }

    /// Visible messages, plus (for their sender only) the shadow-hidden ones.
    static func messages(_ snapshot: RoomSnapshot, viewer: RoomSnapshot.Member?) -> TemplateValue {
        let visible = snapshot.messages.filter { !$0.isShadowHidden }
        let oldestShown = visible.first?.id ?? 0
        let shown = snapshot.messages.filter { m in
            !m.isShadowHidden || (viewer != nil && m.participantID == viewer!.id && m.id >= oldestShown)
        }
        return .list(shown.map { m in
            ["id": .text(String(m.id)), "author": .text(m.author), "html": .html(m.html), "at": .text(m.at),
             "at_text": .text(String(m.at.dropFirst(11).prefix(5))), "own_hidden": .bool(m.isShadowHidden)]
        })
    }

    // MARK: Parts shared by every viewer

    /// The fragments that are the same for every viewer of a snapshot, by element id, each as
    /// the pieces between CSRF slots (see RenderedParts). Rendered once per snapshot.
    static func sharedParts(_ snapshot: RoomSnapshot, host: Bool, templates: TemplateLibrary) -> [String: [[UInt8]]] {
        snapshot.rendered.get(host: host) {
            let room = snapshot.room
            var context: TemplateContext = ["code": .text(room.code.display), "csrf": .text(RenderedParts.csrfSlot),
                                            "host_view": .bool(host)]
            func render(_ template: String, _ values: TemplateContext) -> [[UInt8]] {
                context.merge(values)
                return split(templates.render(template, context), at: Array(RenderedParts.csrfSlot.utf8))
            }
            let (pending, decided) = proposals(snapshot)
            let people = listed(snapshot)
            return [
                "queue": render("partials/queue", ["has_segments": .bool(!snapshot.segments.isEmpty), "segments": segments(snapshot),
                                                   "new_segment": newSegment()]),
                "participants": render("partials/participants", ["participants": participants(snapshot, people.members),
                                                                 "more": .text(String(people.more)),
                                                                 "has_more": .bool(people.more > 0)]),
                "participant-count": [Array(countText(snapshot).utf8)],
                // Page-only: the chat's note while slow mode is on (ChatStore.slowModeWait decides).
                "slow-mode": room.slowMode || onlineCount(snapshot) >= ChatStore.slowModeAt ? render("partials/slow_mode", [
                    "seconds": .text(String(ChatStore.slowModeSeconds))]) : [[]],
                "public-tasks": render("partials/public_tasks", ["public_tasks": publicTasks(snapshot)]),
                "proposals": render("partials/proposals", ["pending": pending, "decided": decided]),
                "chat-messages": render("partials/chat", ["messages": messages(snapshot, viewer: nil)]),
                // Page-only parts (no element of their own in poll answers).
                "segment-options": render("partials/segment_options", ["segment_options": .list(
                    snapshot.segments.filter { snapshot.segmentState($0.position) != .done }.map {
                        ["id": .text($0.id), "name": .text("\($0.position + 1). \($0.title)")]
                    })]),
                "theme-options": render("partials/theme_options", ["themes": themes(selected: room.theme)]),
            ]
        }
    }

    /// A part for one viewer whose refused form in it must show what they typed again (the
    /// shared rendering cannot): the queue's add or edit forms, or a proposal's reject reason.
    static func keptPart(_ snapshot: RoomSnapshot, _ kept: Kept, csrf: String, templates: TemplateLibrary) -> (key: String, html: SafeHTML)? {
        var context: TemplateContext = ["code": .text(snapshot.room.code.display), "csrf": .text(csrf), "host_view": .bool(true)]
        switch kept {
        case .newSegment(let kind, let duration, let label, let task):
            context.merge(["has_segments": .bool(!snapshot.segments.isEmpty), "segments": segments(snapshot),
                           "new_segment": newSegment(kind: kind, duration: duration, label: label, publicTask: task)])
            return ("queue_html", SafeHTML(trusted: String(decoding: templates.render("partials/queue", context), as: UTF8.self)))
        case .segmentEdit:
            context.merge(["has_segments": .bool(!snapshot.segments.isEmpty), "segments": segments(snapshot, kept: kept),
                           "new_segment": newSegment()])
            return ("queue_html", SafeHTML(trusted: String(decoding: templates.render("partials/queue", context), as: UTF8.self)))
        case .reject:
            let (pending, decided) = proposals(snapshot, kept: kept)
            context.merge(["pending": pending, "decided": decided])
            return ("proposals_html", SafeHTML(trusted: String(decoding: templates.render("partials/proposals", context), as: UTF8.self)))
        case .taskEdit:
            return nil
        }
    }

    static func split(_ bytes: [UInt8], at separator: [UInt8]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0
        var i = 0
        while i + separator.count <= bytes.count {
            if bytes[i] == separator[0] && bytes[i..<(i + separator.count)].elementsEqual(separator) {
                pieces.append(Array(bytes[start..<i]))
                i += separator.count
                start = i
            } else {
                i += 1
            }
        }
        pieces.append(Array(bytes[start...]))
        return pieces
    }

    /// A shared part as text, for JSON: the pieces joined with nothing (an empty token).
    static func text(_ pieces: [[UInt8]]?) -> String {
        String(decoding: (pieces ?? []).joined(), as: UTF8.self)
    }

    // MARK: The page

    /// The context keys of the page's shared parts, by element id.
    static let pageParts = ["queue": "queue_html", "participants": "participants_html", "public-tasks": "public_tasks_html",
                            "proposals": "proposals_html", "chat-messages": "chat_html",
                            "segment-options": "segment_options_html", "theme-options": "theme_options_html",
                            "slow-mode": "slow_mode_html"]

    /// The room page for one viewer: its own context, and the shared parts to splice in.
    static func page(_ snapshot: RoomSnapshot, timer timerView: TimerView, viewer session: SessionID, csrf: String, baseURL: String,
                     kept: Kept? = nil, templates: TemplateLibrary) -> (context: TemplateContext, parts: [String: [[UInt8]]]) {
        let room = snapshot.room
        let me = snapshot.member(for: session)
        let host = me?.role == "host"
        let shared = sharedParts(snapshot, host: host, templates: templates)
        var context: TemplateContext = [
            "host_view": .bool(host),
            "code": .text(room.code.display), "version": .text(String(room.version)), "theme": .text(room.theme),
            "viewer_role": .text(me?.role ?? ""), "me_id": .text(me?.id ?? ""), "csrf": .text(csrf),
            "share_url": .text("\(baseURL)/r/\(room.code.display)"),
            "timer": timer(timerView), "kinds": kinds(selected: "focus"),
            "participant_count": .text(text(shared["participant-count"])),
            "slow_mode_on": .bool(room.slowMode),
            "name_input": .text(""), "chat_input": .text(""), "task_input": .text(""),
            "propose_text": .text(""), "propose_duration": .text(""), "propose_label": .text(""),
        ]
        if let kept, host, let part = keptPart(snapshot, kept, csrf: csrf, templates: templates) {
            context[part.key] = .html(part.html)
        }
        if let me {
            // The viewer's own shadow-hidden messages make their chat differ from everyone's.
            if snapshot.messages.contains(where: { $0.isShadowHidden && $0.participantID == me.id }) {
                var chat: TemplateContext = ["code": .text(room.code.display), "csrf": .text(csrf)]
                chat["messages"] = messages(snapshot, viewer: me)
                context["chat_html"] = .html(SafeHTML(trusted: String(decoding: templates.render("partials/chat", chat), as: UTF8.self)))
            }
            context["me"] = .object(["name": .text(me.name), "is_host": .bool(me.role == "host")])
            context["my_tasks"] = .list(snapshot.tasks.filter { $0.participantID == me.id }.map { t in
                var item: TemplateContext = [
                    "id": .text(t.id), "text": .text(t.text), "visibility": .text(t.isPublic ? "public" : "private"),
                    "is_private": .bool(!t.isPublic), "done": .bool(t.done), "segment_name": .text(segmentName(snapshot, t.segmentID)),
                    "edit_text": .text(t.text), "open": .bool(false)]
                if case .taskEdit(let id, let text, let isPublic) = kept, id == t.id {
                    item.merge(["edit_text": .text(text), "is_private": .bool(!isPublic), "open": .bool(true)])
                }
                return item
            })
        }
        var parts: [String: [[UInt8]]] = [:]
        for (id, key) in pageParts where context[key] == nil { parts[key] = shared[id] }
        return (context, parts)
    }

    /// The head's refresh for browsers without JavaScript: when the running segment ends.
    static func refreshSeconds(_ t: TimerView) -> Int? {
        guard t.status == "running" else { return nil }
        return t.remainingMs / 1000 + 1
    }

    // MARK: Long-poll answer and JSON

    /// The poll answer for a browser that has seen version `since`: the timer, the host and the
    /// theme always (they are small), and the fragments of the parts changed since.
    static func pollBody(_ snapshot: RoomSnapshot, since: Int, host: Bool, templates: TemplateLibrary) -> [UInt8] {
        let room = snapshot.room
        let since = since > room.version ? 0 : since
        func changed(_ part: RoomPart) -> Bool { (room.partVersions[part] ?? Int.max) > since }
        let shared = sharedParts(snapshot, host: host, templates: templates)
        var fragments: [(String, String)] = []
        let timerView = snapshot.timer
        if changed(.state) {
            let context: TemplateContext = ["code": .text(room.code.display), "csrf": .text(""), "timer": timer(timerView),
                                            "host_view": .bool(host)]
            fragments.append(("timer", String(decoding: templates.render("partials/timer", context), as: UTF8.self)))
        }
        let parts: [(RoomPart, [String])] = [(.queue, ["queue"]), (.people, ["participants", "participant-count"]),
                                             (.tasks, ["public-tasks"]), (.proposals, ["proposals"]), (.chat, ["chat-messages"])]
        let wanted = parts.filter { changed($0.0) }
        var fragmentJSON = fragments.map { "\(JSONText.quoted($0.0)):\(JSONText.quoted($0.1))" }.joined(separator: ",")
        // The shared fragments are quoted once per snapshot, set of parts and variant.
        let sharedJSON = snapshot.rendered.fragments((host ? "h:" : "g:") + wanted.map(\.0.rawValue).joined(separator: ",")) {
            wanted.flatMap(\.1).map { "\(JSONText.quoted($0)):\(JSONText.quoted(text(shared[$0])))" }.joined(separator: ",")
        }
        if !sharedJSON.isEmpty { fragmentJSON += (fragmentJSON.isEmpty ? "" : ",") + sharedJSON }
        let json = """
            {"version":\(room.version),"host":\(JSONText.quoted(snapshot.host?.id ?? "")),"theme":\(JSONText.quoted(room.theme)),\
            "timer":\(timerJSON(timerView)),"spread_ms":\(spreadMs(snapshot)),"fragments":{\(fragmentJSON)}}
            """
        return Array(json.utf8)
    }

    /// Over how many milliseconds browsers spread their next poll after an answer (live.js):
    /// one change answers everyone in the room at once, and the responder takes a few thousand
    /// polls a second, so a room of N people spreads them over N / 4,000 seconds (1 s at least,
    /// 10 s at most: 2.5 s at 10,000). Nothing is missed meanwhile: the next poll names the
    /// version it has.
    static func spreadMs(_ snapshot: RoomSnapshot) -> Int {
        min(10_000, max(1_000, snapshot.members.count / 4))
    }

    static func timerJSON(_ t: TimerView) -> String {
        """
        {"status":\(JSONText.quoted(t.status)),"index":\(t.index),"count":\(t.count),"kind":\(JSONText.quoted(t.kind)),\
        "phase":\(JSONText.quoted(t.phase)),"ends_at_ms":\(t.endsAtMs.map(String.init) ?? "null"),"remaining_ms":\(t.remainingMs),\
        "duration_ms":\(t.durationMs),"server_now_ms":\(t.serverNowMs)}
        """
    }

    /// Participants per page of state.json.
    static let statePageSize = 100

    /// state.json: everything about the room, with the participants one page at a time
    /// (`page`, from 1; host first, then by joining) and their counts always present, so the
    /// answer stays small in a room of any size.
    static func stateJSON(_ snapshot: RoomSnapshot, page: Int = 1) -> [UInt8] {
        let room = snapshot.room
        let q = JSONText.quoted
        func optional(_ s: String?) -> String { s.map(q) ?? "null" }
        let elapsed = snapshot.age
        let segments = snapshot.segments.map {
            "{\"id\":\(q($0.id)),\"position\":\($0.position),\"kind\":\(q($0.kind.rawValue)),\"label\":\(optional($0.label)),\"duration_sec\":\($0.durationSec),\"public_task\":\(optional($0.publicTask))}"
        }.joined(separator: ",")
        let pages = max(1, (snapshot.members.count + statePageSize - 1) / statePageSize)
        let page = min(max(1, page), pages)
        let people = snapshot.members.dropFirst((page - 1) * statePageSize).prefix(statePageSize).map {
            "{\"id\":\(q($0.id)),\"name\":\(q($0.name)),\"role\":\(q($0.role)),\"online\":\(snapshot.isOnline($0, elapsed: elapsed))}"
        }.joined(separator: ",")
        let tasks = snapshot.tasks.filter(\.isPublic).map {
            "{\"id\":\(q($0.id)),\"text\":\(q($0.text)),\"author\":\(q($0.author)),\"segment_id\":\(optional($0.segmentID)),\"done\":\($0.done)}"
        }.joined(separator: ",")
        let proposals = snapshot.proposals.map {
            "{\"id\":\(q($0.id)),\"kind\":\(q($0.kind)),\"status\":\(q($0.status)),\"author\":\(q($0.author)),\"summary\":\(q($0.summary)),\"reason\":\(optional($0.reason))}"
        }.joined(separator: ",")
        let messages = snapshot.messages.filter { !$0.isShadowHidden }.map {
            "{\"id\":\($0.id),\"author\":\(q($0.author)),\"text\":\(q($0.text)),\"at\":\(q($0.at))}"
        }.joined(separator: ",")
        let timer = snapshot.timer
        let json = """
            {"code":\(q(room.code.display)),"status":\(q(room.status)),"theme":\(q(room.theme)),"version":\(room.version),\
            "expires_at":\(q(room.expiresAt)),"server_now_ms":\(timer.serverNowMs),"timer":\(timerJSON(timer)),\
            "segments":[\(segments)],"participant_count":\(snapshot.members.count),"online_count":\(onlineCount(snapshot)),\
            "participants_page":\(page),"participants_pages":\(pages),"participants":[\(people)],"public_tasks":[\(tasks)],"proposals":[\(proposals)],\
            "messages":[\(messages)]}
            """
        return Array(json.utf8)
    }
}
