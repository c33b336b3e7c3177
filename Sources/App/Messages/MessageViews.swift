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

    /// Times as a person reads them, in their zone: "2 Dec, 14:05", and ISO 8601 in UTC for
    /// `datetime`. Worked out by hand: a DateFormatter costs milliseconds to make, more than the
    /// rest of a conversation page.
    struct Clock {
        let zone: TimeZone

        init(timezone: String?) { zone = Self.zone(timezone) }

        static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        static let zones = NSLock()
        nonisolated(unsafe) static var known: [String: TimeZone] = [:]

        /// The zone named (kept once looked up; names come from validated settings), else UTC.
        static func zone(_ name: String?) -> TimeZone {
            let utc = TimeZone(identifier: "UTC")!
            guard let name else { return utc }
            zones.lock()
            defer { zones.unlock() }
            if let found = known[name] { return found }
            let found = TimeZone(identifier: name) ?? utc
            if known.count < 1000 { known[name] = found }
            return found
        }

        func short(_ epoch: Double) -> String {
            let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: epoch))
            let t = Self.civil(Int(epoch.rounded(.down)) + offset)
            return "\(t.day) \(Self.months[t.month - 1]), \(Self.two(t.hour)):\(Self.two(t.minute))"
        }

        func iso(_ epoch: Double) -> String {
            let t = Self.civil(Int(epoch.rounded(.down)))
            return "\(t.year)-\(Self.two(t.month))-\(Self.two(t.day))T\(Self.two(t.hour)):\(Self.two(t.minute)):\(Self.two(t.second))Z"
        }

        static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

        /// Calendar fields of `seconds` since 1970 (the day from `LocalDate`, which has the
        /// civil-from-days arithmetic; cheaper than a Calendar per message).
        static func civil(_ seconds: Int) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
            let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
            let rest = seconds - days * 86_400
            let (year, month, day) = LocalDate(dayNumber: days).components
            return (year, month, day, rest / 3600, rest % 3600 / 60, rest % 60)
        }
    }
}
