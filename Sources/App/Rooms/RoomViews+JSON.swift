import Domain
import Foundation
import Web

/// The long-poll answer and state.json.
extension RoomViews {
    /// The poll answer for a browser that has seen version `since`: the timer, the host and the
    /// theme always (they are small), and the fragments of the parts changed since.
    static func pollBody(_ snapshot: RoomSnapshot, since: Int, variant: PollVariant, templates: TemplateLibrary) -> [UInt8] {
        let host = variant == .host
        let room = snapshot.room
        let since = since > room.version ? 0 : since
        func changed(_ part: RoomPart) -> Bool { (room.partVersions[part] ?? Int.max) > since }
        let shared = sharedParts(snapshot, host: host, templates: templates)
        var fragments: [(String, String)] = []
        let timerView = snapshot.timer
        if changed(.state) {
            let context: TemplateContext = [
                "code": .text(room.code.display), "csrf": .text(""), "timer": timer(timerView),
                "host_view": .bool(host),
            ]
            fragments.append(("timer", String(decoding: templates.render("partials/timer", context), as: UTF8.self)))
        }
        let parts: [(RoomPart, [String])] = [
            (.queue, ["queue"]), (.people, ["participants", "participant-count"]),
            (.tasks, ["public-tasks"]), (.proposals, ["proposals"]), (.chat, ["chat-messages"]),
        ]
        let wanted = parts.filter { changed($0.0) }
        let soundtrack = changed(.soundtrack)
        var fragmentJSON = fragments.map { "\(JSONText.quoted($0.0)):\(JSONText.quoted($0.1))" }.joined(separator: ",")
        // The shared fragments are quoted once per snapshot, set of parts and variant.
        let key = "\(variant.rawValue):" + wanted.map(\.0.rawValue).joined(separator: ",") + (soundtrack ? ",soundtrack" : "")
        let sharedJSON = snapshot.rendered.fragments(key) {
            var pieces = wanted.flatMap(\.1).map { "\(JSONText.quoted($0)):\(JSONText.quoted(text(shared[$0])))" }
            // The soundtrack's part has a rendering per variant of its own (a DJ's has the controls).
            if soundtrack { pieces.append("\"soundtrack\":\(JSONText.quoted(text(soundtrackPart(snapshot, variant, templates: templates))))") }
            return pieces.joined(separator: ",")
        }
        if !sharedJSON.isEmpty { fragmentJSON += (fragmentJSON.isEmpty ? "" : ",") + sharedJSON }
        let timerJSON = String(decoding: JSONBody.encode(TimerJSON(timerView)), as: UTF8.self)
        let soundtrackJSON = String(decoding: JSONBody.encode(soundtrackNow(snapshot)), as: UTF8.self)
        let json = """
            {"version":\(room.version),"host":\(JSONText.quoted(snapshot.host?.id ?? "")),"theme":\(JSONText.quoted(room.theme)),\
            "timer":\(timerJSON),"soundtrack":\(soundtrackJSON),"spread_ms":\(spreadMs(snapshot)),"fragments":{\(fragmentJSON)}}
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

    /// Participants per page of state.json.
    static let statePageSize = 100

    /// state.json: everything about the room, with the participants one page at a time
    /// (`page`, from 1; host first, then by joining) and their counts always present, so the
    /// answer stays small in a room of any size.
    static func stateJSON(_ snapshot: RoomSnapshot, page: Int = 1) -> [UInt8] {
        let room = snapshot.room
        let timer = snapshot.timer
        let elapsed = snapshot.age
        let pages = max(1, (snapshot.members.count + statePageSize - 1) / statePageSize)
        let page = min(max(1, page), pages)
        let people = snapshot.members.dropFirst((page - 1) * statePageSize).prefix(statePageSize)
        let state = RoomStateJSON(
            code: room.code.display, status: room.status.rawValue, theme: room.theme, version: room.version,
            expiresAt: room.expiresAt, serverNowMs: timer.serverNowMs, timer: TimerJSON(timer),
            segments: snapshot.segments.map {
                .init(
                    id: $0.id, position: $0.position, kind: $0.kind.rawValue, label: $0.label, durationSec: $0.durationSec,
                    publicTask: $0.publicTask)
            },
            participantCount: snapshot.members.count, onlineCount: onlineCount(snapshot),
            participantsPage: page, participantsPages: pages,
            participants: people.map {
                .init(id: $0.id, name: $0.name, role: $0.role.rawValue, online: snapshot.isOnline($0, elapsed: elapsed), dj: $0.isDJ)
            },
            publicTasks: snapshot.tasks.filter(\.isPublic).map {
                .init(id: $0.id, text: $0.text, author: $0.author, segmentID: $0.segmentID, done: $0.done)
            },
            proposals: snapshot.proposals.map {
                .init(id: $0.id, kind: $0.kind, status: $0.status.rawValue, author: $0.author, summary: $0.summary, reason: $0.reason)
            },
            messages: snapshot.messages.filter { !$0.isShadowHidden }.map {
                .init(id: $0.id, author: $0.author, text: $0.text, at: $0.at)
            },
            soundtrack: soundtrackState(snapshot))
        return JSONBody.encode(state)
    }
}
