import Domain
import Foundation
import Postgres
import Web

/// Everything that changes a room from its page: timer, queue, theme, tasks, proposals, chat,
/// moderation. Each is a form POST that answers 303 back to the room (JavaScript off or on),
/// or the room page again with the reason and the typed input (422, 403, 404, 409, 429).
enum RoomActionHandlers {
    /// Validates, then applies `body` to the locked room, announces the new version and
    /// redirects to `anchor`; a RoomProblem anywhere shows the room page with its message.
    static func act(_ ctx: RequestContext, anchor: String = "", back: String? = nil, inputs: [String: String] = [:],
                    kept: RoomViews.Kept? = nil,
                    _ body: (PostgresConnection, LockedRoom) throws -> Set<RoomPart>) throws -> Outcome {
        let code = try RoomHandlers.parseCode(ctx)
        let version: Int?
        do {
            let change = try RoomStore(database: ctx.services.database).change(code, session: ctx.session) { conn, room in
                ((), try body(conn, room))
            }
            change.announce(ctx.services.hub)
            version = change.version
        } catch let problem as RoomProblem {
            if back == "moderate" { return try RoomHandlers.moderationPage(ctx, code, error: problem) }
            return try RoomHandlers.problemPage(ctx, code, problem, inputs: inputs, kept: kept)
        } catch let problem as RoomRuleProblem {
            return try RoomHandlers.problemPage(ctx, code, .invalid(problem.description), inputs: inputs, kept: kept)
        }
        return RoomHandlers.redirect(ctx, code, to: "/r/\(code.display)" + (back.map { "/\($0)" } ?? "") + anchor, after: version)
    }

    static func id(_ ctx: RequestContext) -> String { ctx.request.parameter("id") }

    /// Room-wide actions in a room of more than this many people ask the host to confirm.
    static let confirmAbove = 20

    /// For the host of a big room, a page that asks to confirm a room-wide action: a form that
    /// posts the same fields again with `confirm=yes` (works without JavaScript). nil when no
    /// confirmation is needed (a small room) or the action will be refused anyway (not the host).
    static func confirmation(_ ctx: RequestContext, heading: String, message: (Int) -> String, button: String,
                             action: String, fields: [(String, String)]) throws -> Outcome? {
        let code = try RoomHandlers.parseCode(ctx)
        let snapshot = try RoomHandlers.present(ctx, code)
        guard snapshot.member(for: ctx.session)?.role == "host", snapshot.members.count > confirmAbove else { return nil }
        let context: TemplateContext = [
            "code": .text(code.display), "theme": .text(snapshot.room.theme), "heading": .text(heading),
            "message": .text(message(snapshot.members.count)), "button": .text(button),
            "action": .text("/r/\(code.display)/\(action)"),
            "fields": .list(fields.map { ["name": .text($0.0), "value": .text($0.1)] }),
        ]
        return Views.page("confirm", title: heading, context, ctx: ctx)
    }

    // MARK: Timer and theme

    /// POST /r/:code/timer (action, at)
    static let timer: Handler = { ctx in
        let actionText = try ctx.field("action")
        let atText = try ctx.field("at")
        if actionText == TimerStore.Action.end.rawValue, try ctx.field("confirm") != "yes",
           let page = try confirmation(ctx, heading: "End the session for everyone?",
                                       message: { "This ends the timer for all \($0) people in the room. It cannot be undone." },
                                       button: "End the session for everyone", action: "timer",
                                       fields: [("action", actionText), ("at", atText)]) {
            return page
        }
        return try act(ctx, anchor: "#timer") { conn, room in
            guard let action = TimerStore.Action(rawValue: actionText) else {
                throw RoomProblem.invalid("Unknown timer action “\(actionText)”. Use start, pause, resume, skip, restart or end.")
            }
            guard atText.count <= 3, let at = Int(atText) else {
                throw RoomProblem.invalid("The form did not say which segment it was for. Reload the page and try again.")
            }
            return try TimerStore.control(action, at: at, room: room, on: conn)
        }
    }

    /// POST /r/:code/slow-mode (slow_mode=on|off): the host's chat slow mode.
    static let slowMode: Handler = { ctx in
        let raw = try ctx.field("slow_mode")
        return try act(ctx, anchor: "#chat-form") { conn, room in
            _ = try room.host()
            guard raw == "on" || raw == "off" else { throw RoomProblem.invalid("Slow mode is either on or off.") }
            try conn.query("UPDATE rooms SET slow_mode = $2 WHERE id = $1", [room.id, raw == "on"])
            return [.state]
        }
    }

    /// POST /r/:code/theme
    static let theme: Handler = { ctx in
        let raw = try ctx.field("theme")
        return try act(ctx) { conn, room in
            _ = try room.host()
            let theme = try Theme(validating: raw)
            try conn.query("UPDATE rooms SET theme = $2 WHERE id = $1", [room.id, theme.rawValue])
            return [.state]
        }
    }

    // MARK: Queue

    static func segmentInputs(_ ctx: RequestContext) throws -> (kind: String, duration: String, label: String, task: String) {
        (try ctx.field("kind"), try ctx.field("duration"), try ctx.field("label"), try ctx.field("public_task"))
    }

    /// POST /r/:code/segments
    static let addSegment: Handler = { ctx in
        let f = try segmentInputs(ctx)
        return try act(ctx, anchor: "#queue", kept: .newSegment(kind: f.kind, duration: f.duration, label: f.label, task: f.task)) { conn, room in
            _ = try room.host()
            let spec = try SegmentSpec(kind: f.kind, duration: f.duration, label: f.label, publicTask: f.task)
            return try QueueStore.add(spec, to: room, on: conn)
        }
    }

    /// POST /r/:code/segments/:id
    static let editSegment: Handler = { ctx in
        let f = try segmentInputs(ctx)
        let kept = RoomViews.Kept.segmentEdit(id: id(ctx), kind: f.kind, duration: f.duration, label: f.label, task: f.task)
        return try act(ctx, anchor: "#queue", kept: kept) { conn, room in
            _ = try room.host()
            let spec = try SegmentSpec(kind: f.kind, duration: f.duration, label: f.label, publicTask: f.task)
            return try QueueStore.edit(id(ctx), to: spec, in: room, on: conn)
        }
    }

    /// POST /r/:code/segments/:id/delete
    static let deleteSegment: Handler = { ctx in
        try act(ctx, anchor: "#queue") { conn, room in
            _ = try room.host()
            return try QueueStore.delete(id(ctx), in: room, on: conn)
        }
    }

    /// POST /r/:code/segments/:id/move (direction=up|down)
    static let moveSegment: Handler = { ctx in
        let direction = try ctx.field("direction")
        return try act(ctx, anchor: "#queue") { conn, room in
            _ = try room.host()
            guard direction == "up" || direction == "down" else { throw RoomProblem.invalid("Move a segment up or down.") }
            return try QueueStore.move(id(ctx), up: direction == "up", in: room, on: conn)
        }
    }

    // MARK: Tasks

    static func visibility(_ raw: String) throws -> Bool {
        switch raw {
        case "public": return true
        case "private", "": return false
        default: throw RoomProblem.invalid("A task is either private (only you see it) or public (everyone here sees it).")
        }
    }

    /// POST /r/:code/tasks
    static let addTask: Handler = { ctx in
        let text = try ctx.field("text")
        let vis = try ctx.field("visibility")
        let segment = try ctx.field("segment")
        return try act(ctx, anchor: "#my-tasks", inputs: ["task_input": text]) { conn, room in
            try TaskStore.add(text: try ShortText(validating: text, what: "A task", max: RoomLimits.taskLength),
                              isPublic: try visibility(vis), segmentID: segment.isEmpty ? nil : segment, room: room, on: conn)
        }
    }

    /// POST /r/:code/tasks/:id
    static let editTask: Handler = { ctx in
        let text = try ctx.field("text")
        let vis = try ctx.field("visibility")
        return try act(ctx, anchor: "#my-tasks", kept: .taskEdit(id: id(ctx), text: text, isPublic: vis == "public")) { conn, room in
            try TaskStore.edit(id(ctx), text: try ShortText(validating: text, what: "A task", max: RoomLimits.taskLength),
                               isPublic: try visibility(vis), room: room, on: conn)
        }
    }

    /// POST /r/:code/tasks/:id/toggle
    static let toggleTask: Handler = { ctx in
        try act(ctx, anchor: "#my-tasks") { conn, room in try TaskStore.toggle(id(ctx), room: room, on: conn) }
    }

    /// POST /r/:code/tasks/:id/delete
    static let deleteTask: Handler = { ctx in
        try act(ctx, anchor: "#my-tasks") { conn, room in try TaskStore.delete(id(ctx), room: room, on: conn) }
    }

    // MARK: Proposals

    /// POST /r/:code/proposals
    static let propose: Handler = { ctx in
        let kind = try ctx.field("kind")
        let segment = try ctx.field("segment")
        let text = try ctx.field("text")
        let f = (kind: try ctx.field("segment_kind"), duration: try ctx.field("duration"), label: try ctx.field("label"))
        let inputs = ["propose_text": text, "propose_duration": f.duration, "propose_label": f.label]
        let code = try RoomHandlers.parseCode(ctx)
        if let refusal = try RoomHandlers.limited(ctx, code, ctx.services.config.rateLimits.proposals, inputs: inputs) {
            return refusal
        }
        return try act(ctx, anchor: "#proposals", inputs: inputs) { conn, room in
            let draft: ProposalStore.Draft
            switch ProposalStore.Kind(rawValue: kind) {
            case .publicTask:
                draft = .init(kind: .publicTask, segmentID: segment.isEmpty ? nil : segment, spec: nil,
                              text: try ShortText(validating: text, what: "A task", max: RoomLimits.taskLength).value)
            case .addSegment:
                draft = .init(kind: .addSegment, segmentID: nil,
                              spec: try SegmentSpec(kind: f.kind, duration: f.duration, label: f.label, publicTask: ""), text: nil)
            case .editSegment:
                draft = .init(kind: .editSegment, segmentID: segment.isEmpty ? nil : segment,
                              spec: try SegmentSpec(kind: f.kind, duration: f.duration, label: f.label, publicTask: ""), text: nil)
            case nil:
                throw RoomProblem.invalid("Choose what to propose: a public task, a new segment or a change to one.")
            }
            return try ProposalStore.propose(draft, room: room, on: conn)
        }
    }

    /// POST /r/:code/proposals/:id/accept. A proposal that no longer applies is marked
    /// rejected with the reason (committed), and the host sees 409 with that reason.
    static let acceptProposal: Handler = { ctx in
        let code = try RoomHandlers.parseCode(ctx)
        var stale: String? = nil
        let outcome = try act(ctx, anchor: "#proposals") { conn, room in
            let (result, parts) = try ProposalStore.accept(id(ctx), room: room, on: conn)
            if case .stale(let reason) = result { stale = reason }
            return parts
        }
        if let stale { return try RoomHandlers.problemPage(ctx, code, .conflict(stale)) }
        return outcome
    }

    /// POST /r/:code/proposals/:id/reject
    static let rejectProposal: Handler = { ctx in
        let reason = try ctx.field("reason")
        return try act(ctx, anchor: "#proposals", kept: .reject(id: id(ctx), reason: reason)) { conn, room in
            try ProposalStore.reject(id(ctx), reason: try ShortText.optional(reason, what: "A reason", max: RoomLimits.reasonLength)?.value,
                                     room: room, on: conn)
        }
    }

    // MARK: Chat and moderation

    /// POST /r/:code/messages
    static let postMessage: Handler = { ctx in
        let text = try ctx.field("text")
        let code = try RoomHandlers.parseCode(ctx)
        if let refusal = try RoomHandlers.limited(ctx, code, ctx.services.config.rateLimits.messages, inputs: ["chat_input": text]) {
            return refusal
        }
        return try act(ctx, anchor: "#chat-form", inputs: ["chat_input": text]) { conn, room in
            try ChatStore.post(try ShortText(validating: text, what: "A message", max: RoomLimits.messageLength), room: room, on: conn)
        }
    }

    /// POST /r/:code/messages/:id/delete
    static let deleteMessage: Handler = { ctx in
        try act(ctx, back: "moderate") { conn, room in try ChatStore.delete(id(ctx), room: room, on: conn) }
    }

    /// POST /r/:code/participants/:id/(mute|unmute|remove|host)
    static func moderation(_ action: ModerationStore.Action) -> Handler {
        { ctx in
            try act(ctx, back: action == .host ? nil : "moderate") { conn, room in
                try ModerationStore.apply(action, to: id(ctx), room: room, on: conn)
            }
        }
    }
}
