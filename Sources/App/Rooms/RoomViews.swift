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
        if selected == "focus" { return focusSelected }
        return .list(
            SegmentKind.allCases.map { ["value": .text($0.rawValue), "label": .text($0.label), "selected": .bool($0.rawValue == selected)] })
    }

    /// What every room page shows: made once, not per view.
    private static let focusSelected: TemplateValue = .list(
        SegmentKind.allCases.map { ["value": .text($0.rawValue), "label": .text($0.label), "selected": .bool($0 == .focus)] })

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
        if let host = members.firstIndex(where: { $0.role == .host }) { chosen.insert(host) }
        let byActivity = members.indices.filter { !chosen.contains($0) }.sorted { idle[$0] < idle[$1] }
        chosen.formUnion(byActivity.prefix(listedPeople))
        let shown = chosen.sorted().map { members[$0] }
        return (shown, members.count - shown.count)
    }

    static func participants(_ snapshot: RoomSnapshot, _ shown: [RoomSnapshot.Member]) -> TemplateValue {
        let elapsed = snapshot.age
        return .list(
            shown.map { m in
                [
                    "id": .text(m.id), "name": .text(m.name), "is_host": .bool(m.role == .host), "has_account": .bool(m.hasAccount),
                    "is_dj": .bool(m.isDJ),
                    "online": .bool(snapshot.isOnline(m, elapsed: elapsed)),
                    "initial": .text(m.name.first.map { String($0).uppercased() } ?? "?"),
                ]
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

    static func timer(_ t: TimerView) -> TemplateValue {
        let statusText: String
        switch t.status {
        case .running: statusText = "Running"
        case .paused: statusText = "Paused"
        case .ended: statusText = "The session has ended"
        default: statusText = t.count == 0 ? "Waiting for the host to add segments" : "Not started yet"
        }
        var context: TemplateContext = [
            "status": .text(t.status.rawValue), "kind": .text(t.kind), "phase": .text(t.phase),
            "ends_at_ms": .text(t.endsAtMs.map(String.init) ?? ""), "remaining_ms": .text(String(t.remainingMs)),
            "server_now_ms": .text(String(t.serverNowMs)), "index": .text(String(t.index)),
            "position": .text(t.count == 0 || t.status == .ended ? "" : "\(t.index + 1) of \(t.count)"),
            "clock": .text(clock(t.remainingMs)), "status_text": .text(statusText),
            "can_start": .bool(t.status == .idle && t.count > 0),
            "can_pause": .bool(t.status == .running), "can_resume": .bool(t.status == .paused),
            "can_skip": .bool(t.status == .running || t.status == .paused),
            "can_restart": .bool(t.status == .running || t.status == .paused),
            "can_end": .bool(t.status != .ended),
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
        .list(
            snapshot.segments.map { s in
                let state = snapshot.segmentState(s.position)
                var item: TemplateContext = [
                    "id": .text(s.id), "kind": .text(s.kind.rawValue), "kind_label": .text(s.name),
                    "duration_text": .text(SegmentDuration.text(s.durationSec)), "state": .text(state.rawValue),
                    "is_current": .bool(state == .current), "public_task": .text(s.publicTask ?? ""),
                    "editable": .bool(state != .done), "kinds": kinds(selected: s.kind.rawValue),
                    "duration_input": .text(SegmentDuration.input(s.durationSec)), "field_label": .text(s.label ?? ""),
                    "field_task": .text(s.publicTask ?? ""), "open": .bool(false),
                ]
                if case .segmentEdit(let id, let kind, let duration, let label, let task) = kept, id == s.id {
                    item.merge([
                        "kinds": kinds(selected: kind), "duration_input": .text(duration), "field_label": .text(label),
                        "field_task": .text(task), "open": .bool(true),
                    ])
                }
                return item
            })
    }

    static func newSegment(kind: String = "focus", duration: String = "25", label: String = "", publicTask: String = "") -> TemplateValue {
        .object([
            "kinds": kinds(selected: kind), "duration_input": .text(duration), "field_label": .text(label),
            "field_task": .text(publicTask),
        ])
    }

    static func segmentName(_ snapshot: RoomSnapshot, _ id: String?) -> String {
        guard let id, let segment = snapshot.segments.first(where: { $0.id == id }) else { return "" }
        return "\(segment.position + 1). \(segment.title)"
    }

    static func publicTasks(_ snapshot: RoomSnapshot) -> TemplateValue {
        let items: [TemplateContext] = snapshot.tasks.filter(\.isPublic).map { t in
            [
                "id": .text(t.id), "text": .text(t.text), "author": .text(t.author), "done": .bool(t.done),
                "segment_name": .text(segmentName(snapshot, t.segmentID)),
                "report_href": .text("/r/\(snapshot.room.code.display)/tasks/\(t.id)/report"),
            ]
        }
        return items.isEmpty ? .bool(false) : .object(["items": .list(items)])
    }

    static func proposals(_ snapshot: RoomSnapshot, kept: Kept? = nil) -> (pending: TemplateValue, decided: TemplateValue) {
        func item(_ p: RoomSnapshot.Proposal) -> TemplateContext {
            var reason = ""
            if case .reject(let id, let typed) = kept, id == p.id { reason = typed }
            return [
                "id": .text(p.id), "author": .text(p.author), "summary": .text(p.summary), "status": .text(p.status.rawValue),
                "reason": .text(p.reason ?? ""), "reason_input": .text(reason),
            ]
        }
        let pending = snapshot.proposals.filter { $0.status == .pending }.map(item)
        let decided = snapshot.proposals.filter { $0.status != .pending }.suffix(10).map(item)
        return (
            pending.isEmpty ? .bool(false) : .object(["items": .list(pending)]),
            decided.isEmpty ? .bool(false) : .object(["items": .list(Array(decided))])
        )
    }

    /// Visible messages, plus (for their sender only) the shadow-hidden ones.
    static func messages(_ snapshot: RoomSnapshot, viewer: RoomSnapshot.Member?) -> TemplateValue {
        let visible = snapshot.messages.filter { !$0.isShadowHidden }
        let oldestShown = visible.first?.id ?? 0
        let shown = snapshot.messages.filter { m in
            !m.isShadowHidden || (viewer != nil && m.participantID == viewer!.id && m.id >= oldestShown)
        }
        return .list(
            shown.map { m in
                [
                    "id": .text(String(m.id)), "author": .text(m.author), "html": .html(ChatFormat.html(m.text)), "at": .text(m.at),
                    "at_text": .text(String(m.at.dropFirst(11).prefix(5))), "own_hidden": .bool(m.isShadowHidden),
                    "report_href": .text(m.isShadowHidden ? "" : "/r/\(snapshot.room.code.display)/messages/\(m.id)/report"),
                ]
            })
    }
}
