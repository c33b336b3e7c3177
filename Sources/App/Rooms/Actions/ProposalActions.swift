import Domain
import Foundation
import Postgres
import Web

/// Guests propose segments, changes and public tasks; the host accepts or rejects them.
enum ProposalActions {
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
        return try RoomAction.act(ctx, anchor: "#proposals", inputs: inputs) { conn, room in
            let draft: ProposalStore.Draft
            switch ProposalStore.Kind(rawValue: kind) {
            case .publicTask:
                draft = .init(
                    kind: .publicTask, segmentID: segment.isEmpty ? nil : segment, spec: nil,
                    text: try ShortText(validating: text, what: "A task", max: RoomLimits.taskLength).value)
            case .addSegment:
                draft = .init(
                    kind: .addSegment, segmentID: nil,
                    spec: try SegmentSpec(kind: f.kind, duration: f.duration, label: f.label, publicTask: ""), text: nil)
            case .editSegment:
                draft = .init(
                    kind: .editSegment, segmentID: segment.isEmpty ? nil : segment,
                    spec: try SegmentSpec(kind: f.kind, duration: f.duration, label: f.label, publicTask: ""), text: nil)
            case nil:
                throw RoomRefusal.invalid("Choose what to propose: a public task, a new segment or a change to one.")
            }
            return try ProposalStore.propose(draft, room: room, on: conn)
        }
    }

    /// POST /r/:code/proposals/:id/accept. A proposal that no longer applies is marked
    /// rejected with the reason (committed), and the host sees 409 with that reason.
    static let acceptProposal: Handler = { ctx in
        let code = try RoomHandlers.parseCode(ctx)
        var stale: String? = nil
        let outcome = try RoomAction.act(ctx, anchor: "#proposals") { conn, room in
            let (result, parts) = try ProposalStore.accept(RoomAction.id(ctx), room: room, on: conn)
            if case .stale(let reason) = result { stale = reason }
            return parts
        }
        if let stale { return try RoomHandlers.problemPage(ctx, code, .stale(stale)) }
        return outcome
    }

    /// POST /r/:code/proposals/:id/reject
    static let rejectProposal: Handler = { ctx in
        let reason = try ctx.field("reason")
        return try RoomAction.act(ctx, anchor: "#proposals", kept: .reject(id: RoomAction.id(ctx), reason: reason)) { conn, room in
            try ProposalStore.reject(
                RoomAction.id(ctx), reason: try ShortText.optional(reason, what: "A reason", max: RoomLimits.reasonLength)?.value,
                room: room, on: conn)
        }
    }
}
