import Domain
import Foundation
import Web

/// "Report this message": a person reports a message they received, with a reason, for the
/// admins (`message_reports`: reporter, message with a copy of its text, reason, time). Reports
/// are counted per client address and account (`RateLimits.messageReports`). Each also joins
/// the admins' one report queue (`ReportStore`), its category from the reason list.
enum MessageReportHandlers {
    static let reasonLimit = 500

    /// GET /messages/:username/:id/report
    static let form: Handler = { ctx in
        let (_, peer, message) = try target(ctx)
        return page(ctx, peer, message)
    }

    /// POST /messages/:username/:id/report (reason)
    static let submit: Handler = { ctx in
        try ctx.limit(ctx.services.config.rateLimits.messageReports)
        let (user, peer, message) = try target(ctx)
        let reason = try ctx.field("reason").trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.isEmpty { return page(ctx, peer, message, error: "Say what is wrong with this message, so the admins know what to check.") }
        if reason.count > reasonLimit {
            return page(ctx, peer, message, error: "A reason can be at most \(reasonLimit) characters long (this one has \(reason.count)).")
        }
        if reason.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" }) {
            return page(ctx, peer, message, error: "The reason contains a character that cannot be stored.")
        }
        let category = try ctx.field("category")
        guard let kind = category.isEmpty ? ReportReason.other : ReportReason(rawValue: category) else {
            return page(ctx, peer, message, error: "Choose what is wrong from the list.")
        }
        guard let conversationID = peer.conversationID else { throw MessageRefusal.notFound }
        // Into the reporter's own record and the admins' one queue (issue 17), together.
        let filed = try ctx.services.database.transaction { conn in
            guard
                try MessageStore(database: ctx.services.database).report(
                    message.id, conversationID: conversationID, by: user.id, reason: reason, on: conn)
            else { return false }
            try ReportStore.file(
                .init(subject: .directMessage, subjectID: String(message.id), authorID: peer.id, authorName: peer.username, excerpt: message.body),
                by: user.id, reason: kind, details: reason, on: conn)
            return true
        }
        guard filed else { throw MessageRefusal.notFound }
        return .response(.redirect(to: "/messages/\(peer.username)?reported=1#m-\(message.id)"))
    }

    /// The message named in the path, received by the signed-in person and not deleted; 404
    /// for anything else, exactly like a missing page (another conversation's id included).
    static func target(_ ctx: RequestContext) throws -> (CurrentUser, MessagePeer, DirectMessage) {
        let user = try AccountFlow.signedInUser(ctx)
        let peer = try MessageHandlers.findPeer(ctx, user)
        guard let conversationID = peer.conversationID, let id = MessageHandlers.messageID(ctx),
            let message = try MessageStore(database: ctx.services.database).message(id, conversationID: conversationID, viewer: user.id),
            !message.fromMe, !message.isDeleted
        else { throw MessageRefusal.notFound }
        return (user, peer, message)
    }

    static func page(_ ctx: RequestContext, _ peer: MessagePeer, _ message: DirectMessage, error: String? = nil) -> Outcome {
        var context: TemplateContext = [
            "peer_username": .text(peer.username), "peer_display_name": .text(peer.displayName), "id": .text(String(message.id)),
            "html": .html(ChatFormat.html(message.body)),
            "reason_input": .text(error == nil ? "" : String(((try? ctx.field("reason")) ?? "").prefix(reasonLimit * 4))),
            "categories": .list(
                ReportReason.allCases.map {
                    ["value": .text($0.rawValue), "label": .text($0.label), "selected": .bool($0.rawValue == (try? ctx.field("category")))]
                }),
        ]
        if let error { context["error"] = .text(error) }
        return Views.page("message_report", title: "Report a message", context, ctx: ctx, status: error == nil ? .ok : .unprocessableEntity)
    }
}
