import Domain
import Foundation
import Postgres
import Web

/// The host edits the segment queue: add, edit, delete, move.
enum SegmentActions {
    static func segmentInputs(_ ctx: RequestContext) throws -> (kind: String, duration: String, label: String, task: String) {
        (try ctx.field("kind"), try ctx.field("duration"), try ctx.field("label"), try ctx.field("public_task"))
    }

    /// POST /r/:code/segments
    static let addSegment: Handler = { ctx in
        let f = try segmentInputs(ctx)
        return try RoomAction.act(ctx, anchor: "#queue", kept: .newSegment(kind: f.kind, duration: f.duration, label: f.label, task: f.task)) {
            conn, room in
            let spec = try SegmentSpec(kind: f.kind, duration: f.duration, label: f.label, publicTask: f.task)
            return try SegmentStore.add(spec, to: room, on: conn)
        }
    }

    /// POST /r/:code/segments/:id
    static let editSegment: Handler = { ctx in
        let f = try segmentInputs(ctx)
        let kept = RoomViews.Kept.segmentEdit(id: RoomAction.id(ctx), kind: f.kind, duration: f.duration, label: f.label, task: f.task)
        return try RoomAction.act(ctx, anchor: "#queue", kept: kept) { conn, room in
            let spec = try SegmentSpec(kind: f.kind, duration: f.duration, label: f.label, publicTask: f.task)
            return try SegmentStore.edit(RoomAction.id(ctx), to: spec, in: room, on: conn)
        }
    }

    /// POST /r/:code/segments/:id/delete
    static let deleteSegment: Handler = { ctx in
        try RoomAction.act(ctx, anchor: "#queue") { conn, room in
            return try SegmentStore.delete(RoomAction.id(ctx), in: room, on: conn)
        }
    }

    /// POST /r/:code/segments/:id/move (direction=up|down)
    static let moveSegment: Handler = { ctx in
        let direction = try ctx.field("direction")
        return try RoomAction.act(ctx, anchor: "#queue") { conn, room in
            guard direction == "up" || direction == "down" else { throw RoomRefusal.invalid("Move a segment up or down.") }
            return try SegmentStore.move(RoomAction.id(ctx), up: direction == "up", in: room, on: conn)
        }
    }
}
