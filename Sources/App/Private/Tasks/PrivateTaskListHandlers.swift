import Domain
import Web

/// /me/tasks/lists: making, renaming and deleting the owner's lists. Deleting a list that holds
/// tasks is refused (422) unless the form's "and its tasks" box is ticked; the page says how many.
enum PrivateTaskListHandlers {
    /// POST /me/tasks/lists (name): a new list, last among the tabs.
    static let create: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let raw = try ctx.field("name")
        let current = try ctx.form().value("list").flatMap { try? PrivateTaskHandlers.validID($0) }
        do {
            let name = try PrivateTaskText.listName(raw)
            let id = try ctx.services.database.transaction { conn -> String in
                try PrivateTaskStore.lockOwner(user.id, on: conn)
                if try PrivateTaskStore.listCount(userID: user.id, on: conn) >= PrivateTaskLimits.lists { throw PrivateTaskRefusal.tooManyLists }
                return try PrivateTaskStore.addList(userID: user.id, name: name, on: conn)
            }
            return PrivateTaskHandlers.back(id, anchor: "tasks")
        } catch let refusal as PrivateTaskRefusal where refusal != .notFound {
            return try PrivateTaskViews.page(ctx, listID: current, error: refusal, kept: .newList(name: raw))
        }
    }

    /// POST /me/tasks/lists/:id (name)
    static let rename: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let id = try PrivateTaskHandlers.validID(ctx.request.parameter("id"))
        let raw = try ctx.field("name")
        return try PrivateTaskHandlers.refusing(ctx, listID: id, kept: .rename(name: raw)) {
            let name = try PrivateTaskText.listName(raw)
            guard try ctx.services.database.transaction({ try PrivateTaskStore.renameList(id, userID: user.id, name: name, on: $0) }) else {
                throw PrivateTaskRefusal.notFound
            }
            return PrivateTaskHandlers.back(id, anchor: "tasks")
        }
    }

    /// POST /me/tasks/lists/:id/delete (confirm=yes when it holds tasks): the list and its tasks.
    static let delete: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let id = try PrivateTaskHandlers.validID(ctx.request.parameter("id"))
        let confirmed = try ctx.form().value("confirm") == "yes"
        return try PrivateTaskHandlers.refusing(ctx, listID: id) {
            try ctx.services.database.transaction { conn in
                guard let size = try PrivateTaskStore.lockedListSize(id, userID: user.id, on: conn) else { throw PrivateTaskRefusal.notFound }
                if size > 0 && !confirmed {
                    throw PrivateTaskRefusal.invalid(
                        "This list holds \(size == 1 ? "1 task" : "\(size) tasks"). Tick “and its tasks” to delete it with them, "
                            + "or move them to another list first.")
                }
                _ = try PrivateTaskStore.deleteList(id, userID: user.id, on: conn)
            }
            return .response(.redirect(to: "/me/tasks"))
        }
    }
}
