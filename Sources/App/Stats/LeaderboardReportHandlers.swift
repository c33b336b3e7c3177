import Domain
import Foundation
import Web

/// "This entry looks wrong": signed-in people report a ranked person's entry on a board, with a
/// reason, for the admins (who may hide it, `LeaderboardAdminHandlers`). Reports are counted per
/// client address and account (`RateLimits.reports`).
enum LeaderboardReportHandlers {
    static let reasonLimit = 500

    /// GET /leaderboards/report?board=…&user=USERNAME
    static let form: Handler = { ctx in
        let (kind, reported) = try target(board: ctx.request.query.values("board"), user: ctx.request.query.values("user"), ctx)
        return page(ctx, kind, reported)
    }

    /// POST /leaderboards/report (board, user, reason)
    static let submit: Handler = { ctx in
        try ctx.limit(ctx.services.config.rateLimits.reports)
        let reporter = try AccountFlow.signedInUser(ctx)
        let form = try ctx.form()
        let (kind, reported) = try target(board: form.values("board"), user: form.values("user"), ctx)
        let reasons = form.values("reason")
        guard reasons.count <= 1 else { throw ClientError.badRequest("Send one reason, not several.") }
        let reason = (reasons.first ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if reported.id == reporter.id { return page(ctx, kind, reported, error: "That is your own entry: there is nothing to report.") }
        if reason.isEmpty { return page(ctx, kind, reported, error: "Say what looks wrong, so the admins know what to check.") }
        if reason.count > reasonLimit {
            return page(ctx, kind, reported, error: "A reason can be at most \(reasonLimit) characters long (this one has \(reason.count)).")
        }
        if reason.unicodeScalars.contains(where: { $0.value == 0 }) {
            return page(ctx, kind, reported, error: "The reason contains a character that cannot be stored.")
        }
        try ctx.services.leaderboards.store.report(by: reporter.id, of: reported.id, on: kind, reason: reason)
        return .response(.redirect(to: LeaderboardHandlers.href(kind, page: 1) + "&reported=1"))
    }

    /// The board and the ranked person a report is about: 400 for a board that does not exist,
    /// 404 for someone who is not on the boards.
    static func target(board: [String], user: [String], _ ctx: RequestContext) throws -> (LeaderboardKind, (id: String, username: String)) {
        guard board.count == 1 else { throw ClientError.badRequest("Name the board the entry is on (weekly, monthly, alltime or consistency).") }
        let kind = try LeaderboardHandlers.board(board)
        guard user.count == 1, let name = user.first, !name.isEmpty, name.utf8.count <= 64 else {
            throw ClientError.badRequest("Name the person whose entry you are reporting.")
        }
        guard let reported = try ctx.services.leaderboards.store.rankedAccount(username: name) else {
            throw ClientError.notFound("Nobody called “\(name.prefix(40))” is on the boards.")
        }
        return (kind, reported)
    }

    static func page(
        _ ctx: RequestContext, _ kind: LeaderboardKind, _ reported: (id: String, username: String), error: String? = nil
    )
        -> Outcome
    {
        var context: TemplateContext = [
            "board": .text(kind.rawValue), "board_title": .text(kind.title), "username": .text(reported.username),
            "reason_input": .text(error == nil ? "" : String(((try? ctx.field("reason")) ?? "").prefix(reasonLimit * 4))),
        ]
        if let error { context["error"] = .text(error) }
        return Views.page(
            "leaderboard_report", title: "Report an entry", context, ctx: ctx, status: error == nil ? .ok : .unprocessableEntity)
    }
}
