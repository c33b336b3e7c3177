import Domain
import Foundation
import Web

/// The long-poll answer and state.json.
extension RoomViews {
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
        {"status":\(JSONText.quoted(t.status.rawValue)),"index":\(t.index),"count":\(t.count),"kind":\(JSONText.quoted(t.kind)),\
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
            "{\"id\":\(q($0.id)),\"name\":\(q($0.name)),\"role\":\(q($0.role.rawValue)),\"online\":\(snapshot.isOnline($0, elapsed: elapsed))}"
        }.joined(separator: ",")
        let tasks = snapshot.tasks.filter(\.isPublic).map {
            "{\"id\":\(q($0.id)),\"text\":\(q($0.text)),\"author\":\(q($0.author)),\"segment_id\":\(optional($0.segmentID)),\"done\":\($0.done)}"
        }.joined(separator: ",")
        let proposals = snapshot.proposals.map {
            "{\"id\":\(q($0.id)),\"kind\":\(q($0.kind)),\"status\":\(q($0.status.rawValue)),\"author\":\(q($0.author)),\"summary\":\(q($0.summary)),\"reason\":\(optional($0.reason))}"
        }.joined(separator: ",")
        let messages = snapshot.messages.filter { !$0.isShadowHidden }.map {
            "{\"id\":\($0.id),\"author\":\(q($0.author)),\"text\":\(q($0.text)),\"at\":\(q($0.at))}"
        }.joined(separator: ",")
        let timer = snapshot.timer
        let json = """
            {"code":\(q(room.code.display)),"status":\(q(room.status.rawValue)),"theme":\(q(room.theme)),"version":\(room.version),\
            "expires_at":\(q(room.expiresAt)),"server_now_ms":\(timer.serverNowMs),"timer":\(timerJSON(timer)),\
            "segments":[\(segments)],"participant_count":\(snapshot.members.count),"online_count":\(onlineCount(snapshot)),\
            "participants_page":\(page),"participants_pages":\(pages),"participants":[\(people)],"public_tasks":[\(tasks)],"proposals":[\(proposals)],\
            "messages":[\(messages)]}
            """
        return Array(json.utf8)
    }
}
