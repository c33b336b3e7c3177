import Domain
import Foundation
import Web

/// Keeping a conversation current: with JavaScript, the live script asks for the messages after
/// the last one it shows when the person's channel moves; without it, a small frame under the
/// list reloads itself and shows what arrived since the page was loaded, so the text being typed
/// in the page's form is never lost to a reload. Both mark what they show as read.
enum MessageLiveHandlers {
    /// How often the frame reloads itself.
    static let frameRefresh = 10

    /// GET /messages/:username/after/:id → {"html": the new list items, "last_id": newest id,
    /// "more": true when more arrived than one answer carries (reload the page then)}.
    static let after: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let peer = try MessageHandlers.findPeer(ctx, user)
        let text = ctx.request.parameter("id")
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let after = Int(text) else {
            throw ClientError.badRequest("The message number must be a number.")
        }
        // A cursor is one of this conversation's messages: another conversation's id is a 404.
        if after > 0 {
            guard let conversationID = peer.conversationID,
                try MessageStore(database: ctx.services.database).message(after, conversationID: conversationID, viewer: user.id) != nil
            else { throw MessageRefusal.notFound }
        }
        let (shown, more) = try newer(ctx, user, peer, after: after)
        let body = Fragment(
            html: String(decoding: MessageViews.fragment(ctx, shown, peer: peer), as: UTF8.self), lastID: shown.last?.id ?? after, more: more)
        return .response(.json(JSONBody.encode(body)))
    }

    /// GET /messages/:username/frame?after=ID: the no-JavaScript frame (reloads every 10 s).
    static let frame: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let peer = try MessageHandlers.findPeer(ctx, user)
        let after = try MessageHandlers.cursor(ctx, "after") ?? 0
        let (shown, more) = try newer(ctx, user, peer, after: after)
        let list = MessageViews.fragment(ctx, shown, peer: peer, inFrame: true)
        let context: TemplateContext = [
            "list": .html(SafeHTML(trusted: String(decoding: list, as: UTF8.self))), "has_messages": .bool(!shown.isEmpty),
            "more": .bool(more), "peer_username": .text(peer.username), "peer_display_name": .text(peer.displayName),
            "refresh_seconds": .text(String(frameRefresh)),
        ]
        var response = Response.html(ctx.services.templates.render("conversation_frame", context))
        response.framedBySelf = true
        response.addHeader("Refresh", String(frameRefresh))
        return .response(response)
    }

    /// Messages after `after` (oldest first, at most `afterLimit`), marked read.
    static func newer(_ ctx: RequestContext, _ user: CurrentUser, _ peer: MessagePeer, after: Int) throws -> ([DirectMessage], Bool) {
        guard let conversationID = peer.conversationID else { return ([], false) }
        let store = MessageStore(database: ctx.services.database)
        var shown = try store.after(conversationID: conversationID, viewer: user.id, after: after)
        let more = shown.count > MessageStore.afterLimit
        shown = Array(shown.prefix(MessageStore.afterLimit))
        if let newest = shown.last {
            ctx.announceAfterCommit(try store.markRead(conversationID: conversationID, viewer: user.id, peer: peer.id, upTo: newest.id))
        }
        return (shown, more)
    }

    struct Fragment: Encodable {
        let html: String
        let lastID: Int
        let more: Bool

        enum CodingKeys: String, CodingKey {
            case html
            case lastID = "last_id"
            case more
        }
    }
}
