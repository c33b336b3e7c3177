import Domain
import Foundation
import Web

/// /me/tasks: the page and what is done to one task (add, edit, complete, reopen, delete, move
/// to another list, place before or after another). Everything is the signed-in owner's alone:
/// another account's ids answer 404, exactly like ids that do not exist, with nothing changed.
enum PrivateTaskHandlers {
    /// GET /me/tasks[?list=ID]: the first list (made on the first visit) or the one named.
    static let page: Handler = { ctx in
        let list = try ctx.request.query.value("list")
        return try PrivateTaskViews.page(ctx, listID: list.map(validID))
    }

    /// POST /me/tasks (list, title, notes, due)
    static let add: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let (listID, rawTitle, rawNotes, rawDue) = (try ctx.field("list"), try ctx.field("title"), try ctx.field("notes"), try ctx.field("due"))
        let list = try validID(listID)
        return try refusing(ctx, listID: list, kept: .add(title: rawTitle, notes: rawNotes, due: rawDue)) {
            let (title, notes, due) = (try PrivateTaskText.title(rawTitle), try PrivateTaskText.notes(rawNotes), try DueDate.parse(rawDue))
            let id = try ctx.services.database.transaction { conn -> String in
                try PrivateTaskStore.lockOwner(user.id, on: conn)
                if try PrivateTaskStore.openCount(userID: user.id, on: conn) >= PrivateTaskLimits.openTasks {
                    throw PrivateTaskRefusal.tooManyOpen
                }
                guard let id = try PrivateTaskStore.add(userID: user.id, listID: list, title: title, notes: notes, due: due, on: conn)
                else { throw PrivateTaskRefusal.notFound }
                return id
            }
            return back(list, anchor: "task-\(id)")
        }
    }

    /// POST /me/tasks/:id (title, notes, due, version): refused with 409 when the task changed
    /// since the form was drawn (another tab), the typed text kept beside the saved one.
    static let edit: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let task = try ownTask(ctx, user)
        let (rawTitle, rawNotes, rawDue, rawVersion) = (
            try ctx.field("title"), try ctx.field("notes"), try ctx.field("due"), try ctx.field("version")
        )
        return try refusing(ctx, listID: task.listID, kept: .edit(id: task.id, title: rawTitle, notes: rawNotes, due: rawDue)) {
            let (title, notes, due) = (try PrivateTaskText.title(rawTitle), try PrivateTaskText.notes(rawNotes), try DueDate.parse(rawDue))
            guard rawVersion.utf8.count <= 9, rawVersion.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let version = Int(rawVersion)
            else { throw PrivateTaskRefusal.stale }
            let outcome = try ctx.services.database.transaction { conn in
                try PrivateTaskStore.edit(task.id, userID: user.id, version: version, title: title, notes: notes, due: due, on: conn)
            }
            switch outcome {
            case .saved: return back(task.listID, anchor: "task-\(task.id)")
            case .notFound: throw PrivateTaskRefusal.notFound
            case .stale: throw PrivateTaskRefusal.stale
            }
        }
    }

    /// POST /me/tasks/:id/complete: its copies in rooms are ticked too, and those rooms updated live.
    static let complete: Handler = { ctx in try setDone(ctx, true) }

    /// POST /me/tasks/:id/reopen: open again (counted against the limit), copies in rooms unticked.
    static let reopen: Handler = { ctx in try setDone(ctx, false) }

    static func setDone(_ ctx: RequestContext, _ done: Bool) throws -> Outcome {
        let user = try AccountFlow.signedInUser(ctx)
        let task = try ownTask(ctx, user)
        return try refusing(ctx, listID: task.listID) {
            ctx.announceAfterCommit(try PrivateTaskCompletion.set(task.id, done: done, userID: user.id, database: ctx.services.database))
            return back(task.listID, anchor: done ? "done-tasks" : "task-\(task.id)")
        }
    }

    /// POST /me/tasks/:id/delete: copies in rooms stay, as ordinary room tasks.
    static let delete: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let task = try ownTask(ctx, user)
        guard try ctx.services.database.transaction({ try PrivateTaskStore.delete(task.id, userID: user.id, on: $0) }) else {
            throw PrivateTaskRefusal.notFound
        }
        return back(task.listID, anchor: "open-tasks")
    }

    /// POST /me/tasks/:id/move (list): to the end of another of the owner's lists.
    static let move: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let task = try ownTask(ctx, user)
        let target = try validID(ctx.field("list"))
        guard try ctx.services.database.transaction({ try PrivateTaskStore.move(task.id, userID: user.id, toList: target, on: $0) }) else {
            throw PrivateTaskRefusal.notFound
        }
        return back(target, anchor: "task-\(task.id)")
    }

    /// POST /me/tasks/:id/place (before=ID or after=ID): the up/down buttons and drag-and-drop.
    /// Both tasks must be open tasks of the same list: an id of the owner's other list is a 422,
    /// anyone else's a 404; nothing moves either way.
    static let place: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let task = try ownTask(ctx, user)
        let (before, after) = (try ctx.form().value("before") ?? "", try ctx.form().value("after") ?? "")
        return try refusing(ctx, listID: task.listID) {
            let placement: TaskPlacement
            switch (before.isEmpty, after.isEmpty) {
            case (false, true): placement = .before(before)
            case (true, false): placement = .after(after)
            default: throw PrivateTaskRefusal.invalid("Say where the task goes: before one task or after one, not both.")
            }
            try ctx.services.database.transaction { conn in
                guard let place = try PrivateTaskStore.placeOf(task.id, userID: user.id, on: conn) else { throw PrivateTaskRefusal.notFound }
                if place.done { throw PrivateTaskRefusal.invalid("Done tasks keep the order they were done in; reopen it to move it.") }
                let order = try PrivateTaskStore.openOrder(listID: place.listID, userID: user.id, on: conn)
                guard let placed = placement.apply(moving: task.id, in: order) else {
                    // Not among this list's open tasks: the owner's (another list, or done) or not.
                    guard try PrivateTaskStore.isDone(placement.target, userID: user.id, on: conn) != nil else {
                        throw PrivateTaskRefusal.notFound
                    }
                    throw PrivateTaskRefusal.invalid("A task can only be placed next to an open task of its own list.")
                }
                if placed != order { try PrivateTaskStore.setOrder(placed, userID: user.id, on: conn) }
            }
            return back(task.listID, anchor: "task-\(task.id)")
        }
    }

    // MARK: Shared

    /// The task named in the path, if it is the signed-in person's; 404 otherwise.
    static func ownTask(_ ctx: RequestContext, _ user: CurrentUser) throws -> PrivateTask {
        guard let task = try PrivateTaskStore(database: ctx.services.database).task(ctx.request.parameter("id"), userID: user.id) else {
            throw PrivateTaskRefusal.notFound
        }
        return task
    }

    /// An id as typed into a path or field: a UUID in its usual form, or a 404.
    static func validID(_ raw: String) throws -> String {
        guard raw.utf8.count == 36, let uuid = UUID(uuidString: raw) else { throw PrivateTaskRefusal.notFound }
        return uuid.uuidString.lowercased()
    }

    /// Runs `body`; a refusal other than 404 shows the page of `listID` again with the reason and
    /// what was typed (`kept`), with its status.
    static func refusing(
        _ ctx: RequestContext, listID: String, kept: PrivateTaskViews.Kept? = nil, _ body: () throws -> Outcome
    ) throws
        -> Outcome
    {
        do {
            return try body()
        } catch let refusal as PrivateTaskRefusal where refusal != .notFound {
            return try PrivateTaskViews.page(ctx, listID: listID, error: refusal, kept: kept)
        }
    }

    /// 303 to the list, at `anchor`.
    static func back(_ listID: String, anchor: String) -> Outcome {
        .response(.redirect(to: "/me/tasks?list=\(listID)#\(anchor)"))
    }
}
