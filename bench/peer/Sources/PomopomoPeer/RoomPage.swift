import Domain
import Foundation
import Mustache

/// The room page for one viewer, built from the rows as plain dictionaries and rendered with
/// swift-mustache: the same context keys and values the app's `RoomViews.page` and
/// `RoomHandlers.roomPage` give the same templates, written the way a Hummingbird app would (every
/// part rendered on every view; nothing kept between requests).
struct RoomPage {
    let rows: RoomRows
    let csrf: String
    let baseURL: String
    let assetVersion: String
    let templates: MustacheLibrary

    /// When "online" ends: seen within this many seconds (the app's `RoomStore.onlineWindow`).
    static let onlineWindow = 60.0
    /// Crowds get slow mode by themselves (the app's `ChatStore.slowModeAt` and `slowModeSeconds`).
    static let slowModeAt = 200
    static let slowModeSeconds = 10
    /// "Who is here" lists the host and this many more (the app's `RoomViews.listedPeople`).
    static let listedPeople = 50

    func render() -> String {
        let me = rows.viewer
        let host = me?.role == .host
        let code = rows.code.display
        let timer = timerContext()
        var context: [String: Any] = [
            "host_view": host, "code": code, "version": String(rows.version), "theme": rows.theme,
            "viewer_role": me?.role.rawValue ?? "", "me_id": me?.id ?? "", "csrf": csrf, "share_url": "\(baseURL)/r/\(code)",
            "timer": timer.context, "kinds": Self.kinds(selected: "focus"), "participant_count": countText(),
            "slow_mode_on": rows.slowMode, "name_input": "", "chat_input": "", "task_input": "", "propose_text": "",
            "propose_duration": "", "propose_label": "", "soundtrack_now": soundtrackNow(),
            "page_script": "soundtrack", "asset_version": assetVersion,
        ]
        let shared: [String: Any] = ["code": code, "csrf": csrf, "host_view": host]
        func part(_ template: String, _ values: [String: Any]) -> String {
            templates.render(shared.merging(values) { _, new in new }, withTemplate: template) ?? ""
        }
        let (pending, decided) = proposals()
        let people = listed()
        context["queue_html"] = part(
            "partials/queue", ["has_segments": !rows.segments.isEmpty, "segments": segments(), "new_segment": Self.newSegment()])
        context["participants_html"] = part(
            "partials/participants", ["participants": participants(people.members), "more": String(people.more), "has_more": people.more > 0])
        context["slow_mode_html"] =
            rows.slowMode || onlineCount() >= Self.slowModeAt ? part("partials/slow_mode", ["seconds": String(Self.slowModeSeconds)]) : ""
        context["public_tasks_html"] = part("partials/public_tasks", ["public_tasks": publicTasks()])
        context["proposals_html"] = part("partials/proposals", ["pending": pending, "decided": decided])
        context["chat_html"] = part("partials/chat", ["messages": messages(viewer: me)])
        context["segment_options_html"] = part(
            "partials/segment_options",
            [
                "segment_options": rows.segments.filter { rows.segmentState($0.position) != "done" }.map {
                    ["id": $0.id, "name": "\($0.position + 1). \($0.title)"]
                }
            ])
        context["theme_options_html"] = part("partials/theme_options", ["themes": Self.themes(selected: rows.theme)])
        context["soundtrack_html"] = part("partials/soundtrack", soundtrack(host: host, runs: host || me?.isDJ == true))
        if let me {
            context["me"] = ["name": me.name, "is_host": me.role == .host]
            context["my_tasks"] = rows.tasks.filter { $0.participantID == me.id }.map { t -> [String: Any] in
                [
                    "id": t.id, "text": t.text, "visibility": t.isPublic ? "public" : "private", "is_private": !t.isPublic,
                    "done": t.done, "segment_name": Self.shown(segmentName(t.segmentID)), "edit_text": t.text, "open": false,
                ]
            }
        }
        if let refresh = timer.refreshSeconds { context["refresh_seconds"] = String(refresh) }
        let content = templates.render(context, withTemplate: "room") ?? ""
        let title =
            rows.status == .running
            ? "\(Self.clock(timer.remainingMs)) · \(timer.phase) · Room \(code)"
            : rows.status == .paused ? "Paused · \(timer.phase) · Room \(code)" : "Room \(code)"
        context["title"] = title
        context["content"] = content
        return templates.render(context, withTemplate: "layout") ?? ""
    }

    /// Text that a section tests: swift-mustache takes any string, even "", as true (and a nil in an `Any` as
    /// the text "nil"), where the app's renderer takes "" as false; NSNull is false and renders as nothing.
    static func shown(_ text: String) -> Any { text.isEmpty ? NSNull() : text }

    // MARK: Timer

    func timerContext() -> (context: [String: Any], remainingMs: Int, phase: String, refreshSeconds: Int?) {
        let now = Int((Date().timeIntervalSince1970 * 1000).rounded())
        let count = rows.segments.count
        let current = rows.currentIndex < count ? rows.segments[rows.currentIndex] : nil
        var remaining = (current?.durationSec ?? 0) * 1000
        var endsAt: Int? = nil
        switch rows.status {
        case .running:
            remaining = max(0, Int((rows.msToEnd ?? 0).rounded()))
            endsAt = now + remaining
        case .paused: remaining = rows.pausedRemainingMs ?? 0
        case .ended: remaining = 0
        default: break
        }
        let status = rows.status
        let phase = status == .ended ? "Finished" : current?.name ?? "No segments yet"
        let statusText: String
        switch status {
        case .running: statusText = "Running"
        case .paused: statusText = "Paused"
        case .ended: statusText = "The session has ended"
        default: statusText = count == 0 ? "Waiting for the host to add segments" : "Not started yet"
        }
        var context: [String: Any] = [
            "status": status.rawValue, "kind": status == .ended ? "" : current?.kind.rawValue ?? "", "phase": phase,
            "ends_at_ms": endsAt.map(String.init) ?? "", "remaining_ms": String(remaining), "server_now_ms": String(now),
            "index": String(rows.currentIndex), "position": count == 0 || status == .ended ? "" : "\(rows.currentIndex + 1) of \(count)",
            "clock": Self.clock(remaining), "status_text": statusText, "can_start": status == .idle && count > 0,
            "can_pause": status == .running, "can_resume": status == .paused, "can_skip": status == .running || status == .paused,
            "can_restart": status == .running || status == .paused, "can_end": status != .ended,
        ]
        if let endsAt {
            let time = Self.utcTime(endsAt)
            context["ends_at_iso"] = time.iso
            context["ends_at_text"] = time.text
        }
        let track = rows.soundPlaying && rows.soundEntryID != nil ? trackRefreshSeconds() : nil
        let refresh = [status == .running ? remaining / 1000 + 1 : nil, track].compactMap { $0 }.min()
        return (context, remaining, phase, refresh)
    }

    static func clock(_ ms: Int) -> String {
        let total = (ms + 999) / 1000
        let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60)
        return h > 0 ? "\(h):\(twoDigits(m)):\(twoDigits(s))" : "\(twoDigits(m)):\(twoDigits(s))"
    }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

    static func utcTime(_ epochMs: Int) -> (iso: String, text: String) {
        let seconds = epochMs / 1000
        let rest = seconds % 86_400
        let (year, month, day) = LocalDate(dayNumber: seconds / 86_400).components
        let time = "\(twoDigits(rest / 3600)):\(twoDigits(rest % 3600 / 60)):\(twoDigits(rest % 60))"
        return ("\(year)-\(twoDigits(month))-\(twoDigits(day))T\(time)Z", time + " UTC")
    }

    // MARK: People

    func isOnline(_ m: RoomRows.Member) -> Bool { m.idleSeconds < Self.onlineWindow || m.isViewer }

    func onlineCount() -> Int { rows.members.reduce(0) { $0 + (isOnline($1) ? 1 : 0) } }

    func countText() -> String {
        let count = rows.members.count
        return "\(count) \(count == 1 ? "person" : "people") · \(onlineCount()) online"
    }

    func listed() -> (members: [RoomRows.Member], more: Int) {
        let members = rows.members
        guard members.count > Self.listedPeople + 1 else { return (members, 0) }
        var chosen = Set<Int>()
        if let host = members.firstIndex(where: { $0.role == .host }) { chosen.insert(host) }
        let idle = members.map { $0.isViewer ? 0 : $0.idleSeconds }
        chosen.formUnion(members.indices.filter { !chosen.contains($0) }.sorted { idle[$0] < idle[$1] }.prefix(Self.listedPeople))
        let shown = chosen.sorted().map { members[$0] }
        return (shown, members.count - shown.count)
    }

    func participants(_ shown: [RoomRows.Member]) -> [[String: Any]] {
        shown.map { m in
            [
                "id": m.id, "name": m.name, "is_host": m.role == .host, "has_account": m.hasAccount, "is_dj": m.isDJ,
                "online": isOnline(m), "initial": m.name.first.map { String($0).uppercased() } ?? "?",
            ]
        }
    }

    // MARK: Queue, tasks, proposals, chat

    static func kinds(selected: String) -> [[String: Any]] {
        SegmentKind.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0.rawValue == selected] }
    }

    static func themes(selected: String) -> [[String: Any]] {
        Theme.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0.rawValue == selected] }
    }

    static func newSegment() -> [String: Any] {
        ["kinds": kinds(selected: "focus"), "duration_input": "25", "field_label": "", "field_task": ""]
    }

    func segments() -> [[String: Any]] {
        rows.segments.map { s in
            let state = rows.segmentState(s.position)
            return [
                "id": s.id, "kind": s.kind.rawValue, "kind_label": s.name, "duration_text": SegmentDuration.text(s.durationSec),
                "state": state, "is_current": state == "current", "public_task": Self.shown(s.publicTask ?? ""), "editable": state != "done",
                "kinds": Self.kinds(selected: s.kind.rawValue), "duration_input": SegmentDuration.input(s.durationSec),
                "field_label": s.label ?? "", "field_task": s.publicTask ?? "", "open": false,
            ]
        }
    }

    func segmentName(_ id: String?) -> String {
        guard let id, let segment = rows.segments.first(where: { $0.id == id }) else { return "" }
        return "\(segment.position + 1). \(segment.title)"
    }

    func publicTasks() -> Any {
        let names = Dictionary(rows.members.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let items: [[String: Any]] = rows.tasks.filter(\.isPublic).map { t in
            [
                "id": t.id, "text": t.text, "author": names[t.participantID] ?? "", "done": t.done,
                "segment_name": Self.shown(segmentName(t.segmentID)),
                "report_href": "/r/\(rows.code.display)/tasks/\(t.id)/report",
            ]
        }
        return items.isEmpty ? false : ["items": items]
    }

    func proposals() -> (pending: Any, decided: Any) {
        func item(_ p: RoomRows.Proposal) -> [String: Any] {
            [
                "id": p.id, "author": p.author, "summary": p.summary, "status": p.status.rawValue, "reason": Self.shown(p.reason ?? ""),
                "reason_input": "",
            ]
        }
        let pending = rows.proposals.filter { $0.status == .pending }.map(item)
        let decided = rows.proposals.filter { $0.status != .pending }.suffix(10).map(item)
        return (pending.isEmpty ? false : ["items": pending], decided.isEmpty ? false : ["items": Array(decided)])
    }

    /// Visible messages, plus (for their sender only) the shadow-hidden ones.
    func messages(viewer: RoomRows.Member?) -> [[String: Any]] {
        let oldestShown = rows.messages.first(where: { !$0.isShadowHidden })?.id ?? 0
        return rows.messages.filter { m in
            !m.isShadowHidden || (viewer != nil && m.participantID == viewer!.id && m.id >= oldestShown)
        }.map { m in
            [
                "id": String(m.id), "author": m.author, "html": ChatText.html(m.text), "at": m.at,
                "at_text": String(m.at.dropFirst(11).prefix(5)), "own_hidden": m.isShadowHidden,
                "report_href": Self.shown(m.isShadowHidden ? "" : "/r/\(rows.code.display)/messages/\(m.id)/report"),
            ]
        }
    }

    // MARK: Soundtrack

    func soundtrack(host: Bool, runs: Bool) -> [String: Any] {
        func item(_ t: RoomRows.Track) -> [String: Any] {
            [
                "entry": t.entryID, "title": t.title, "artist": Self.shown(t.artist), "length": SeekPosition.text(t.durationSeconds * 1000),
                "added_by": t.addedBy,
            ]
        }
        let current = rows.tracks.first { $0.status == "up_next" && $0.entryID == rows.soundEntryID }
        let upNextAll = rows.tracks.filter { $0.status == "up_next" && $0.entryID != rows.soundEntryID }
        let upNext = upNextAll.prefix(SoundtrackLimits.upNextShown).map(item)
        let history = rows.tracks.filter { $0.status == "played" }.map(item)
        let proposed = rows.tracks.filter { $0.status == "proposed" }.map(item)
        var context: [String: Any] = [
            "host_view": host, "runs_soundtrack": runs, "up_next_items": upNext, "has_up_next": !upNext.isEmpty,
            "up_next_more": Self.shown(upNextAll.count > upNext.count ? String(upNextAll.count - upNext.count) : ""),
            "history_items": history, "has_history": !history.isEmpty, "proposed_items": proposed, "has_proposed": !proposed.isEmpty,
            "proposals_on": rows.soundProposals, "mode_words": rows.soundMode.words,
            "modes": SoundtrackMode.allCases.map { ["value": $0.rawValue, "label": $0.words, "selected": $0 == rows.soundMode] },
        ]
        if let current {
            var c = item(current)
            c["playing"] = rows.soundPlaying
            context["current"] = c
        }
        return context
    }

    func currentTrackMs() -> Int {
        (rows.tracks.first { $0.status == "up_next" && $0.entryID == rows.soundEntryID }?.durationSeconds ?? 0) * 1000
    }

    func trackRefreshSeconds() -> Int? {
        max(currentTrackMs() - rows.soundPositionMs, 0) / 1000 + 1
    }

    func soundtrackNow() -> [String: Any] {
        let now = Int((Date().timeIntervalSince1970 * 1000).rounded())
        let playing = rows.soundPlaying && rows.soundEntryID != nil
        let focusVolume = rows.soundMode.volume(duringFocus: true)
        return [
            "entry": rows.soundEntryID ?? "", "src": "", "playing": playing ? "true" : "false",
            "position_ms": String(rows.soundEntryID == nil ? 0 : rows.soundPositionMs), "duration_ms": String(currentTrackMs()),
            "server_now_ms": String(now), "stamp": rows.soundStamp, "focus_volume": String(focusVolume),
            "runs": rows.viewer.map { $0.role == .host || $0.isDJ } == true ? "true" : "false",
            "report_ms": String(min(120_000, max(10_000, rows.members.count * 10))),
        ]
    }
}
