import Domain
import Foundation
import Web

/// "Report this": a signed-in person reports a chat message, a public task or the room they are
/// in, or someone's profile (direct messages: `MessageReportHandlers`, which files here too).
/// A reason from the list, optional words; limited per address and account before any work
/// (`RateLimits.contentReports`). The form shows what is reported and never who else reported
/// it; the person reported is never told who did.
enum ReportHandlers {
    static let detailsLimit = 1000

    /// GET …/report: the form.
    static func form(_ subject: ReportSubject) -> Handler {
        { ctx in
            guard try ctx.user != nil else { return .response(.redirect(to: "/login?next=" + ctx.request.path)) }
            let (draft, back) = try target(ctx, subject)
            return page(ctx, draft, back: back)
        }
    }

    /// POST …/report (reason, details)
    static func submit(_ subject: ReportSubject) -> Handler {
        { ctx in
            try ctx.limit(ctx.services.config.rateLimits.contentReports)
            guard let reporter = try ctx.user else {
                throw ClientError.forbidden("Please sign in to report: reports come from accounts, so the admins can weigh them.")
            }
            let (draft, back) = try target(ctx, subject)
            if draft.authorID == reporter.id {
                return page(ctx, draft, back: back, error: "That is your own: there is nothing to report.")
            }
            let details = try ctx.field("details").trimmingCharacters(in: .whitespacesAndNewlines)
            guard let reason = ReportReason(rawValue: try ctx.field("reason")) else {
                return page(ctx, draft, back: back, error: "Choose what is wrong from the list.")
            }
            if let problem = problem(details) { return page(ctx, draft, back: back, error: problem) }
            try ctx.services.database.transaction { conn in
                try ReportStore.file(draft, by: reporter.id, reason: reason, details: details, on: conn)
            }
            return .response(.redirect(to: "/reports/sent" + AdminViews.queryString([("back", back)])))
        }
    }

    /// GET /reports/sent?back=…: the thank-you page, with the way back.
    static let sent: Handler = { ctx in
        let back = AccountFlow.safeNext(try ctx.request.query.value("back"))
        return Views.page("report_sent", title: "Report sent", ["back": .text(back)], ctx: ctx)
    }

    /// What is wrong with the optional words, or nil.
    static func problem(_ details: String) -> String? {
        if details.count > detailsLimit { return "Say it in at most \(detailsLimit) characters (this has \(details.count))." }
        if details.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" || $0.value == 0x7F }) {
            return "The text contains a character that cannot be stored."
        }
        return nil
    }

    /// What the path names, and where the reporter goes back to; 404 (like a missing page) for
    /// what is not there or not visible to the reporter (a shadow-hidden message, a private task).
    static func target(_ ctx: RequestContext, _ subject: ReportSubject) throws -> (ReportStore.Draft, back: String) {
        if subject == .profile {
            guard let account = try UserStore(database: ctx.services.database).find(username: ctx.request.parameter("username")),
                account.emailVerified
            else { throw ClientError.notFound("There is no one with this username.") }
            let excerpt =
                account.displayName + (account.bio.isEmpty ? "" : "\n\n" + account.bio) + (account.avatarFile == nil ? "" : "\n\n[has a picture]")
            return (
                ReportStore.Draft(subject: .profile, subjectID: account.id, authorID: account.id, authorName: account.username, excerpt: excerpt),
                "/u/\(account.username)"
            )
        }
        let code = try RoomHandlers.parseCode(ctx)
        let snapshot = try RoomHandlers.present(ctx, code)
        let back = "/r/\(code.display)"
        func seat(_ id: String?) -> RoomSnapshot.Member? { id.flatMap { id in snapshot.members.first { $0.id == id } } }
        func draft(_ id: String, author: String, seat: RoomSnapshot.Member?, excerpt: String) -> ReportStore.Draft {
            ReportStore.Draft(
                subject: subject, subjectID: id, roomID: snapshot.room.id, roomCode: code.display, authorID: seat?.userID, authorSeat: seat?.id,
                authorName: author, excerpt: excerpt)
        }
        let id = ctx.request.parameter("id")
        switch subject {
        case .chatMessage:
            guard let message = snapshot.messages.first(where: { String($0.id) == id && !$0.isShadowHidden }) else {
                throw ModerationRefusal.notFound
            }
            return (draft(id, author: message.author, seat: seat(message.participantID), excerpt: message.text), back + "#msg-\(id)")
        case .roomTask:
            guard let task = snapshot.tasks.first(where: { $0.id == id.lowercased() && $0.isPublic }) else { throw ModerationRefusal.notFound }
            return (draft(task.id, author: task.author, seat: seat(task.participantID), excerpt: task.text), back)
        case .room:
            let host = snapshot.host
            let people = snapshot.members.prefix(20).map(\.name).joined(separator: ", ")
            return (draft(snapshot.room.id, author: host?.name ?? "", seat: host, excerpt: "Room \(code.display); people: \(people)"), back)
        case .profile, .directMessage:
            throw ModerationRefusal.notFound
        }
    }

    static func page(_ ctx: RequestContext, _ draft: ReportStore.Draft, back: String, error: String? = nil) -> Outcome {
        let chosen = (try? ctx.field("reason")) ?? ""
        var context: TemplateContext = [
            "subject": .text(draft.subject.label.lowercased()), "author": .text(draft.authorName), "excerpt": .text(draft.excerpt),
            "action": .text(ctx.request.path), "back": .text(back),
            "reasons": .list(
                ReportReason.allCases.map { ["value": .text($0.rawValue), "label": .text($0.label), "checked": .bool($0.rawValue == chosen)] }),
            "details_input": .text(error == nil ? "" : String(((try? ctx.field("details")) ?? "").prefix(detailsLimit * 4))),
        ]
        if let error { context["error"] = .text(error) }
        return Views.page("report", title: "Report", context, ctx: ctx, status: error == nil ? .ok : .unprocessableEntity)
    }
}
