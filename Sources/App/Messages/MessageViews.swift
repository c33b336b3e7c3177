import Domain
import Foundation
import Web

/// How direct messages look: the message list partial (shared by the conversation page, the
/// no-JavaScript frame and the live fragment) and the lines of `/messages`.
enum MessageViews {
    /// The messages, oldest first, for `partials/direct_messages`. `inFrame`: links and forms
    /// open in the whole window, not inside the refreshing frame.
    static func messages(_ messages: [DirectMessage], peer: MessagePeer, timezone: String?, inFrame: Bool = false) -> TemplateValue {
        let clock = Clock(timezone: timezone)
        let base = "/messages/" + peer.username
        return .list(
            messages.map { m in
                var item: TemplateContext = [
                    "id": .text(String(m.id)), "at": .text(clock.iso(m.sentAt)), "at_text": .text(clock.short(m.sentAt)),
                    "author": .text(m.fromMe ? "You" : peer.displayName), "from_me": .bool(m.fromMe),
                    "deleted": .bool(m.isDeleted), "base": .text(base), "in_frame": .bool(inFrame),
                ]
                if !m.isDeleted { item["html"] = .html(ChatFormat.html(m.body)) }
                return item
            })
    }

    /// The rendered list items alone (the live fragment and the frame).
    static func fragment(_ ctx: RequestContext, _ messages: [DirectMessage], peer: MessagePeer, inFrame: Bool = false) -> [UInt8] {
        ctx.services.templates.render(
            "partials/direct_messages",
            [
                "messages": Self.messages(messages, peer: peer, timezone: ctx.userForChrome?.timezone, inFrame: inFrame),
                "csrf": .text(ctx.csrfToken),
            ])
    }

    /// The lines of `/messages`.
    static func conversations(_ list: [ConversationSummary], timezone: String?) -> TemplateValue {
        let clock = Clock(timezone: timezone)
        return .list(
            list.map { c in
                var item: TemplateContext = [
                    "username": .text(c.peerUsername), "display_name": .text(c.peerDisplayName),
                    "at": .text(clock.iso(c.at)), "at_text": .text(clock.short(c.at)),
                    "from_me": .bool(c.previewFromMe), "deleted": .bool(c.previewDeleted),
                    "preview": .text(c.preview.count > 80 ? String(c.preview.prefix(79)) + "…" : c.preview),
                ]
                if c.unread > 0 {
                    item["unread"] = .text(unreadText(c.unread))
                    item["unread_label"] = .text(c.unread >= MessageStore.unreadCap ? "more than 99 unread" : "\(c.unread) unread")
                }
                return item
            })
    }

    /// "3", or "99+" from 100 on (counts stop there).
    static func unreadText(_ count: Int) -> String { count > 99 ? "99+" : String(count) }

    /// Times as a person reads them, in their zone (one formatter per page).
    struct Clock {
        let formatter: DateFormatter
        let isoFormatter = ISO8601DateFormatter()

        init(timezone: String?) {
            formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_GB_POSIX")
            formatter.timeZone = timezone.flatMap { TimeZone(identifier: $0) } ?? TimeZone(identifier: "UTC")
            formatter.dateFormat = "d MMM, HH:mm"
        }

        func short(_ epoch: Double) -> String { formatter.string(from: Date(timeIntervalSince1970: epoch)) }
        func iso(_ epoch: Double) -> String { isoFormatter.string(from: Date(timeIntervalSince1970: epoch)) }
    }
}
