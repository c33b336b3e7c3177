import Domain
import Foundation
import Postgres
import Web

/// Everyone keeps tasks per segment, private or public.
enum TaskActions {
    static func visibility(_ raw: String) throws -> Bool {
        switch raw {
        case "public": return true
        case "private", "": return false
        default: throw RoomRefusal.invalid("A task is either private (only you see it) or public (everyone here sees it).")
        }
    }

    /// POST /r/:code/tasks
    static let addTask: Handler = { ctx in
        let text = try ctx.field("text")
        let vis = try ctx.field("visibility")
        let segment = try ctx.field("segment")
        return try RoomAction.act(ctx, anchor: "#my-tasks", inputs: ["task_input": text]) { conn, room in
            try TaskStore.add(
                text: try ShortText(validating: text, what: "A task", max: RoomLimits.taskLength),
                isPublic: try visibility(vis), segmentID: segment.isEmpty ? nil : segment, room: room, on: conn)
        }
    }

    /// POST /r/:code/tasks/from-mine (private_task, visibility): a signed-in participant copies one
    /// of their open private tasks (/me/tasks) into the room, private or public as chosen. The copy
    /// stays linked: ticking it here completes the private task, and completing that in its list
    /// ticks this copy (`PrivateTaskCompletion`).
    static let addFromMine: Handler = { ctx in
        let chosen = try ctx.field("private_task")
        let vis = try ctx.field("visibility")
        let user = try ctx.user
        return try RoomAction.act(ctx, anchor: "#my-tasks") { conn, room in
            guard let user else { throw RoomRefusal.invalid("Sign in to add tasks from your own lists.") }
            let isPublic = try visibility(vis)
            guard let title = try PrivateTaskStore.copyable(chosen, userID: user.id, on: conn) else {
                throw RoomRefusal.gone("That is not one of your open tasks.")
            }
            return try TaskStore.add(
                text: try ShortText(validating: title, what: "A task", max: RoomLimits.taskLength), isPublic: isPublic, segmentID: nil,
                privateTaskID: chosen.lowercased(), room: room, on: conn)
        }
    }

    /// POST /r/:code/tasks/:id
    static let editTask: Handler = { ctx in
        let text = try ctx.field("text")
        let vis = try ctx.field("visibility")
        return try RoomAction.act(ctx, anchor: "#my-tasks", kept: .taskEdit(id: RoomAction.id(ctx), text: text, isPublic: vis == "public")) {
            conn, room in
            try TaskStore.edit(
                RoomAction.id(ctx), text: try ShortText(validating: text, what: "A task", max: RoomLimits.taskLength),
                isPublic: try visibility(vis), room: room, on: conn)
        }
    }

    /// POST /r/:code/tasks/:id/toggle
    static let toggleTask: Handler = { ctx in
        try RoomAction.act(ctx, anchor: "#my-tasks") { conn, room in try TaskStore.toggle(RoomAction.id(ctx), room: room, on: conn) }
    }

    /// POST /r/:code/tasks/:id/delete
    static let deleteTask: Handler = { ctx in
        try RoomAction.act(ctx, anchor: "#my-tasks") { conn, room in try TaskStore.delete(RoomAction.id(ctx), room: room, on: conn) }
    }
}
