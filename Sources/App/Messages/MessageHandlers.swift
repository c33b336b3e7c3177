import Domain
import Foundation
import Web

/// Direct messages: the list of conversations, one conversation (paged by keyset, newest
/// first), sending and deleting your own message. A conversation is reachable by its two
/// members alone: it is found from the signed-in person and the other's username, so any other
/// id answers 404 (admins too).
enum MessageHandlers {
    /// GET /messages[?before=ID]
    static let list: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let before = try cursor(ctx, "before")
        var rows = try MessageStore(database: ctx.services.database).conversations(of: user.id, before: before ?? MessageStore.newest)
        let more = rows.count > MessageStore.listPageSize
        rows = Array(rows.prefix(MessageStore.listPageSize))
        var context: TemplateContext = [
            "conversations": MessageViews.conversations(rows, timezone: user.timezone), "has_conversations": .bool(!rows.isEmpty),
            "paged": .bool(before != nil),
        ]
        if more, let last = rows.last { context["older_href"] = .text("/messages?before=\(last.lastMessageID)") }
        return Views.page("messages", title: "Messages", context, ctx: ctx)
    }

    /// GET /messages/:username[?before=ID]: a page of the conversation. Viewing the newest page
    /// marks it read: the viewer's own read marker, which only moves forward, and their notice
    /// from that person. A GET does it so that merely looking (with JavaScript off, or in the
    /// refreshing frame) counts as reading, as in any mail reader; nobody else's data changes.
    static let conversation: Handler = { ctx in try page(ctx) }

    /// The conversation page; `error` (with the typed text kept) after a refused send.
    static func page(_ ctx: RequestContext, error: MessageRefusal? = nil, kept: String = "") throws -> Outcome {
        let user = try AccountFlow.signedInUser(ctx)
        let store = MessageStore(database: ctx.services.database)
        let peer = try findPeer(ctx, user)
        let before = error == nil ? try cursor(ctx, "before") : nil
        var shown: [DirectMessage] = []
        var more = false
        if let conversationID = peer.conversationID {
            shown = try store.page(conversationID: conversationID, viewer: user.id, before: before ?? MessageStore.newest)
            more = shown.count > MessageStore.pageSize
            shown = Array(shown.prefix(MessageStore.pageSize).reversed())
            if before == nil, error == nil, let newest = shown.last {
                let read = try store.markRead(conversationID: conversationID, viewer: user.id, peer: peer.id, upTo: newest.id)
                // The header drawn with this page counts what was just read as read.
                if !read.isEmpty { ctx.userChanged() }
                ctx.announceAfterCommit(read)
            }
        }
        let refusal = peer.refusal(viewerID: user.id)
        var context: TemplateContext = [
            "peer_username": .text(peer.username), "peer_display_name": .text(peer.displayName),
            "messages": MessageViews.messages(shown, peer: peer, timezone: user.timezone), "has_messages": .bool(!shown.isEmpty),
            "can_send": .bool(refusal == nil), "text_input": .text(kept), "max_length": .text(String(MessageText.maxLength)),
            "newest_page": .bool(before == nil), "last_id": .text(String(shown.last?.id ?? 0)),
        ]
        if let refusal { context["refusal"] = .text(refusal.message) }
        if let error { context["error"] = .text(error.message) }
        if error == nil, (try? ctx.request.query.value("reported")) == "1" { context["reported"] = .bool(true) }
        if let until = peer.viewerMutedUntil, refusal == nil { context["muted"] = .text(MessageRefusal.muted(until: until, retryAfter: 0).message) }
        if more, let oldest = shown.first { context["older_href"] = .text("/messages/\(peer.username)?before=\(oldest.id)") }
        if peer.areFriends, !peer.blocked,
            let presence = try? FriendPresenceReader(database: ctx.services.database, redis: ctx.services.redis).presence(of: [peer.id])[peer.id]
        {
            context["presence"] = .text(presence.words)
        }
        let status = error.map(ErrorMapping.status) ?? .ok
        var response = Views.page(
            "conversation", title: "Messages with \(peer.displayName)", context, for: ctx, services: ctx.services, status: status)
        for header in error.map(ErrorMapping.headers) ?? [] { response.addHeader(header.0, header.1) }
        return .response(response)
    }

    /// POST /messages/:username (text)
    static let send: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let raw = try ctx.field("text")
        let peer = try findPeer(ctx, user)
        if let refusal = peer.refusal(viewerID: user.id) { return try page(ctx, error: refusal, kept: raw) }
        let text: MessageText
        do throws(MessageRefusal) { text = try MessageText(validating: raw) } catch { return try page(ctx, error: error, kept: raw) }
        switch try MessageStore(database: ctx.services.database).send(from: user.id, to: peer.id, text) {
        case .refused(.notFound): throw MessageRefusal.notFound
        case .refused(let refusal): return try page(ctx, error: refusal, kept: raw)
        case .sent(let id, let announcements):
            ctx.announceAfterCommit(announcements)
            return .response(.redirect(to: "/messages/\(peer.username)#m-\(id)"))
        }
    }

    /// POST /messages/:username/:id/delete: your own message; its text is erased and "message
    /// deleted" stays in its place, so the replies around it still read in order.
    static let delete: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let peer = try findPeer(ctx, user)
        guard let conversationID = peer.conversationID, let id = messageID(ctx) else { throw MessageRefusal.notFound }
        let result = try MessageStore(database: ctx.services.database).delete(id, conversationID: conversationID, sender: user.id, peer: peer.id)
        guard result.found else { throw MessageRefusal.notFound }
        ctx.announceAfterCommit(result.announcements)
        return .response(.redirect(to: "/messages/\(peer.username)#m-\(id)"))
    }

    /// The other person named in the path, or 404 (nobody, an unconfirmed or deleted account).
    static func findPeer(_ ctx: RequestContext, _ user: CurrentUser) throws -> MessagePeer {
        guard let peer = try MessageStore(database: ctx.services.database).peer(viewer: user.id, username: ctx.request.parameter("username"))
        else { throw MessageRefusal.notFound }
        return peer
    }

    /// The message id in the path; nil (a 404) for anything but a positive number.
    static func messageID(_ ctx: RequestContext) -> Int? {
        let text = ctx.request.parameter("id")
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let id = Int(text), id > 0
        else { return nil }
        return id
    }

    /// A keyset cursor from the query (`before`, `after`): nil when absent, 400 when not a message id.
    static func cursor(_ ctx: RequestContext, _ name: String) throws -> Int? {
        guard let text = try ctx.request.query.value(name) else { return nil }
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let id = Int(text) else {
            throw ClientError.badRequest("\(name) must be a message number.")
        }
        return id
    }
}
