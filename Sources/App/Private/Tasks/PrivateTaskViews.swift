import Domain
import Markdown
import Web

/// The /me/tasks page: the account's lists as tabs, the chosen list's open tasks in their order
/// (with up/down forms, and drag-and-drop from tasks.js), its done tasks folded away, and the
/// forms to add, edit, move and delete. After a refusal the same page comes back with the reason
/// and what was typed.
enum PrivateTaskViews {
    /// What the person typed into the form a refusal answers.
    enum Kept {
        case add(title: String, notes: String, due: String)
        case edit(id: String, title: String, notes: String, due: String)
        case newList(name: String)
        case rename(name: String)
    }

    static func page(
        _ ctx: RequestContext, listID: String?, error: PrivateTaskRefusal? = nil, kept: Kept? = nil
    ) throws -> Outcome {
        let user = try AccountFlow.signedInUser(ctx)
        let store = PrivateTaskStore(database: ctx.services.database)
        var lists = try store.lists(userID: user.id)
        if lists.isEmpty {
            try ctx.services.database.transaction { conn in
                try PrivateTaskStore.lockOwner(user.id, on: conn)
                try PrivateTaskStore.addDefaultList(userID: user.id, on: conn)
            }
            lists = try store.lists(userID: user.id)
        }
        let chosen: PrivateTaskList
        if let listID {
            guard let found = lists.first(where: { $0.id == listID }) else { throw PrivateTaskRefusal.notFound }
            chosen = found
        } else if let first = lists.first {
            chosen = first
        } else {
            throw PrivateTaskRefusal.notFound
        }
        let tasks = try store.tasks(listID: chosen.id, userID: user.id)
        let today = PrivateTaskStore.today(timezone: user.timezone, at: ctx.now)
        let open = tasks.filter { !$0.done }
        let done = tasks.filter(\.done)
        let others = lists.filter { $0.id != chosen.id }
        var context: TemplateContext = [
            "lists": .list(
                lists.map { l in
                    ["id": .text(l.id), "name": .text(l.name), "open": .text(String(l.openCount)), "selected": .bool(l.id == chosen.id)]
                }),
            "list": .object([
                "id": .text(chosen.id), "name": .text(chosen.name), "rename_name": .text(chosen.name),
                "task_count": .text(String(chosen.openCount + chosen.doneCount)), "has_tasks": .bool(chosen.openCount + chosen.doneCount > 0),
            ]),
            "open_tasks": .list(
                open.enumerated().map { index, task in
                    item(
                        task, today: today, kept: kept, others: others,
                        previous: index > 0 ? open[index - 1].id : nil, next: index + 1 < open.count ? open[index + 1].id : nil)
                }),
            "has_open": .bool(!open.isEmpty),
            "done_tasks": .list(done.map { item($0, today: today, kept: nil, others: others, previous: nil, next: nil) }),
            "has_done": .bool(!done.isEmpty), "done_count": .text(String(done.count)),
            "add_title": .text(""), "add_notes": .text(""), "add_due": .text(""), "new_list_name": .text(""),
            "title_max": .text(String(PrivateTaskLimits.titleLength)), "notes_max": .text(String(PrivateTaskLimits.notesLength)),
            "list_name_max": .text(String(PrivateTaskLimits.listNameLength)),
            "open_limit": .text("1,000"), "lists_limit": .text(String(PrivateTaskLimits.lists)),
        ]
        switch kept {
        case .add(let title, let notes, let due)?:
            context.merge(["add_title": .text(title), "add_notes": .text(notes), "add_due": .text(due), "add_open": .bool(true)])
        case .newList(let name)?:
            context.merge(["new_list_name": .text(name), "new_list_open": .bool(true)])
        case .rename(let name)?:
            if case .object(var list)? = context["list"] {
                list["rename_name"] = .text(name)
                list["settings_open"] = .bool(true)
                context["list"] = .object(list)
            }
        case .edit?, nil:
            break
        }
        if let error {
            context["error"] = .text(error.message)
            if error == .stale { context["reload_href"] = .text("/me/tasks?list=\(chosen.id)") }
        }
        let status = error.map(ErrorMapping.status) ?? .ok
        return Views.page("me_tasks", title: "My tasks · \(chosen.name)", context, ctx: ctx, status: status)
    }

    /// One task's line: its text and notes, its due date against today, and its forms.
    static func item(
        _ task: PrivateTask, today: LocalDate, kept: Kept?, others: [PrivateTaskList], previous: String?, next: String?
    ) -> TemplateContext {
        let due = DueState(due: task.due, today: today)
        var item: TemplateContext = [
            "id": .text(task.id), "title": .text(task.title), "version": .text(String(task.version)),
            "due_state": .text(due.rawValue), "due_words": .text(due.words(task.due)),
            "edit_title": .text(task.title), "edit_notes": .text(task.notes), "edit_due": .text(task.due?.iso ?? ""),
            "move_lists": .list(others.map { ["list_id": .text($0.id), "list_name": .text($0.name)] }),
            "can_move": .bool(!others.isEmpty),
        ]
        if !task.notes.isEmpty { item["notes_html"] = .html(SafeHTML(trusted: Markdown.renderSafeHTML(task.notes))) }
        if let previous { item["previous_id"] = .text(previous) }
        if let next { item["next_id"] = .text(next) }
        if case .edit(let id, let title, let notes, let dueText)? = kept, id == task.id {
            item.merge(["edit_title": .text(title), "edit_notes": .text(notes), "edit_due": .text(dueText), "edit_open": .bool(true)])
        }
        return item
    }

    /// The room's "add from my tasks" form for a signed-in participant: their open tasks (due
    /// soonest first). Empty for guests and people without a seat (they cost no query); a failing
    /// read leaves the form out rather than failing the room page.
    static func roomContext(_ ctx: RequestContext, _ snapshot: RoomSnapshot) -> TemplateContext {
        guard snapshot.member(for: ctx.session) != nil, let user = ctx.userForChrome,
            let offered = try? PrivateTaskStore(database: ctx.services.database).offeredInRoom(userID: user.id)
        else { return [:] }
        return [
            "from_mine": .object([
                "has_offered": .bool(!offered.isEmpty),
                "offered": .list(
                    offered.map { task in
                        ["private_id": .text(task.id), "private_title": .text(task.title), "private_due": .text(task.due?.iso ?? "")]
                    }),
            ])
        ]
    }
}
