import Domain
import Web

/// The owner's answers to the achievement notice.
enum AchievementHandlers {
    /// POST /me/achievements/seen: "Got it" on the notice. Marks the achievements it showed as
    /// seen and goes back to the page it was on.
    static let seen: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let names = try ctx.form().values("achievement")
        guard !names.isEmpty, names.count <= Achievement.allCases.count else {
            throw ClientError.badRequest("Say which achievements you saw (at most \(Achievement.allCases.count)).")
        }
        var shown: [Achievement] = []
        for name in names {
            guard let achievement = Achievement(stored: name) else {
                throw ClientError.badRequest("There is no achievement called “\(String(name.prefix(40)))”.")
            }
            shown.append(achievement)
        }
        try ctx.services.database.withConnection { conn in try AchievementStore.markSeen(userID: user.id, shown: shown, on: conn) }
        return .response(.redirect(to: AccountFlow.safeNext(try ctx.field("next"))))
    }

    /// GET /me/achievements/notice?next=PATH: the notice alone, for live.js to show when a room's
    /// segment ends while the page stays open; 204 when there is nothing to tell.
    static let notice: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        guard let context = AchievementViews.notice(user, csrf: ctx.csrfToken, next: try ctx.request.query.value("next") ?? "/me") else {
            return .response(.noContent)
        }
        return .response(.html(ctx.services.templates.render("partials/achievement_notice", context)))
    }
}
