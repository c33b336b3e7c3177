import Domain
import Foundation
import Web

/// The /me sections that come from the private space's other features: tasks due today or
/// overdue (`PrivateTaskStore.dueSoon`) and the latest whiteboard as a thumbnail
/// (`BoardThumbnails`, drawn once per board version). Each links to its full page; each is there
/// whenever its feature is, empty or not.
enum DashboardSections {
    /// Tasks listed at most; the rest are a link away.
    static let tasksShown = 10

    static func tasks(_ ctx: RequestContext, _ account: Account) throws -> TemplateContext {
        let today = PrivateTaskStore.today(timezone: account.timezone, at: ctx.now)
        let due = try PrivateTaskStore(database: ctx.services.database).dueSoon(userID: account.id, today: today, limit: tasksShown + 1)
        return [
            "due_tasks": .list(
                due.prefix(tasksShown).map { task in
                    [
                        "id": .text(task.id), "list_id": .text(task.listID), "list_name": .text(task.listName),
                        "title": .text(task.title), "overdue": .bool(task.state == .overdue), "due": .text(task.due.iso),
                    ]
                }),
            "has_due_tasks": .bool(!due.isEmpty), "more_due_tasks": .bool(due.count > tasksShown),
        ]
    }

    static func board(_ ctx: RequestContext, userID: String) throws -> TemplateContext {
        let store = BoardStore(database: ctx.services.database)
        guard let newest = try store.list(userID: userID).first,
            let thumbnail = try BoardThumbnails.shared.svg(newest, userID: userID, store: store)
        else {
            return ["board_section": .object(["has_board": .bool(false)])]
        }
        return [
            "board_section": .object([
                "has_board": .bool(true), "id": .text(String(newest.id)), "name": .text(newest.name),
                // Numbers and escaped text only (BoardSVG), never client markup.
                "thumbnail_svg": .html(SafeHTML(trusted: thumbnail)),
            ])
        ]
    }
}
