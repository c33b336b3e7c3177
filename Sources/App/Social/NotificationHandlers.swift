import Domain
import Foundation
import Web

/// /notifications: the list, "Mark all read", and opening one notice.
enum NotificationHandlers {
    /// GET /notifications[?before=ID]: newest first, a page at a time (keyset on the last shown).
    static let page: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let before = try ctx.request.query.value("before").map { text -> Int in
            guard let id = noticeID(text) else { throw ClientError.badRequest("before must be a notice’s number, as the “Older” link gives it.") }
            return id
        }
        guard var notices = try NotificationStore(database: ctx.services.database).page(userID: user.id, before: before) else {
            throw ClientError.notFound("There is no such page of notifications.")
        }
        let older = notices.count > NotificationStore.pageSize
        notices = Array(notices.prefix(NotificationStore.pageSize))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB_POSIX")
        formatter.timeZone = TimeZone(identifier: user.timezone) ?? TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy, HH:mm"
        let items: [TemplateContext] = notices.compactMap { n in
            guard
                let wording = NotificationWording.of(
                    kind: n.kind, actorUsername: n.actorUsername, actorName: n.actorName, subject: n.subject, count: n.count,
                    owner: user.username)
            else { return nil }
            return [
                "id": .text(String(n.id)), "kind": .text(n.kind.rawValue), "text": .text(wording.text),
                "when": .text(formatter.string(from: n.createdAt)), "unread": .bool(!n.isRead),
            ]
        }
        var context: TemplateContext = [
            "notices": .list(items), "has_notices": .bool(!items.isEmpty), "any_unread": .bool(notices.contains { !$0.isRead }),
            "paged": .bool(before != nil),
        ]
        if older, let last = notices.last { context["older"] = .text(String(last.id)) }
        return Views.page("notifications", title: "Notifications", context, ctx: ctx)
    }

    /// POST /notifications/read: every notice read.
    static let markAllRead: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let announcements = try ctx.services.database.transaction { conn in
            // The counts in this person's other tabs follow.
            try NotificationStore.markAllRead(userID: user.id, on: conn) > 0 ? try UserChannel.bump([user.id], on: conn) : []
        }
        ctx.announceAfterCommit(announcements)
        return .response(.redirect(to: "/notifications"))
    }

    /// POST /notifications/:id/open: marks it read and goes where it points (303). Another
    /// person's notice is a 404, like one that does not exist.
    static let open: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        guard let id = noticeID(ctx.request.parameter("id")) else { throw ClientError.notFound(missing) }
        let (notice, announcements) = try ctx.services.database.transaction { conn in
            let notice = try NotificationStore.open(id, userID: user.id, on: conn)
            return (notice, notice == nil ? [] : try UserChannel.bump([user.id], on: conn))
        }
        guard let notice else { throw ClientError.notFound(missing) }
        ctx.announceAfterCommit(announcements)
        let wording = NotificationWording.of(
            kind: notice.kind, actorUsername: notice.actorUsername, actorName: notice.actorName, subject: notice.subject,
            count: notice.count, owner: user.username)
        return .response(.redirect(to: wording?.target ?? "/notifications"))
    }

    private static let missing = "There is no such notification."

    /// A notice id from a path or query: 1 to 18 digits (anything else names nothing).
    static func noticeID(_ text: String) -> Int? {
        guard !text.isEmpty, text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int(text), id >= 1 else { return nil }
        return id
    }
}
