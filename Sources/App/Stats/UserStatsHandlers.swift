import Domain
import Foundation
import Web

/// GET /u/{username}/stats: one person's focus figures and charts, for whoever the owner lets
/// see them. Days are the owner's (their zone, their day boundary), as their credit was stamped.
enum UserStatsHandlers {
    /// Missing, unproven and private pages answer alike, so the answer tells nobody which it is.
    static let hidden = ClientError.notFound(
        "There are no stats to show here: nobody has this username, or they keep their stats to themselves.")

    static let page: Handler = { ctx in
        let store = UserStatsStore(database: ctx.services.database)
        guard let owner = try store.owner(username: ctx.request.parameter("username")), owner.proven else { throw hidden }
        let viewer = try ctx.user
        let isOwner = viewer?.id == owner.id
        // Friendship is asked only when it decides (a page for friends, someone else signed in).
        let isFriend =
            try owner.visibility.asksFriendship && !isOwner
            && viewer.map { try FriendStore(database: ctx.services.database).areFriends($0.id, owner.id) } ?? false
        guard owner.visibility.admits(isOwner: isOwner, isFriend: isFriend) else { throw hidden }
        let now = Date()
        let today = ownersToday(owner.timezone, tally: owner.tally, now: now)
        let periods = StatsPeriods(today: today)
        let yearText = try ctx.request.query.value("year")
        // Its form now; whether the owner has stats that year once their first day is read
        // (a body is kept only for a year that passed).
        let year = try yearText.map(yearInForm)
        let grid = year.map(DayGrid.year) ?? DayGrid.recent(through: today)
        let streak = owner.tally.streak(at: now, zone: owner.timezone)
        let body = try ctx.services.userStatsCache.body(UserStatsCache.Key(owner: owner, today: today, year: year, streak: streak)) {
            let (firstDay, credits) = try store.credits(userID: owner.id, since: periods.earliest, or: grid.days)
            let thisYear = today.components.year
            let years = min(firstDay?.components.year ?? thisYear, thisYear)...thisYear
            if let yearText { try check(yearText, within: years) }
            let view = UserStatsView(
                owner: owner, periods: periods, grid: grid, year: year, years: years, summary: FocusSummary(credits, hoursOf: grid.days),
                streak: streak)
            return ctx.services.templates.render("partials/user_stats_body", view.context)
        }
        let context: TemplateContext = [
            "display_name": .text(owner.displayName), "username": .text(owner.username), "zone": .text(owner.timezone),
            "is_owner": .bool(isOwner), "is_private": .bool(owner.visibility == .onlyMe),
            "for_friends": .bool(owner.visibility == .friends),
        ]
        return .response(
            Views.page(
                "user_stats", title: "\(owner.displayName) · focus stats", context, for: ctx, services: ctx.services,
                parts: ["stats_body": [body]]))
    }

    /// The year asked for, or a bad request saying what would have worked.
    static func yearInForm(_ text: String) throws -> Int {
        do throws(StatsYear.Problem) { return try StatsYear.digits(text) } catch { throw ClientError.badRequest(error.description) }
    }

    static func check(_ text: String, within years: ClosedRange<Int>) throws {
        do throws(StatsYear.Problem) { _ = try StatsYear(validating: text, allowed: years) } catch {
            throw ClientError.badRequest(error.description)
        }
    }

    /// The owner's day now: by their zone and day boundary, and never before the last day they
    /// were credited on (after flying west, credit keeps the later day, and so does the page).
    static func ownersToday(_ zone: String, tally: FocusTally, now: Date) -> LocalDate {
        let boundary = DayBoundary(zoneName: zone) ?? DayBoundary(zone: TimeZone(identifier: "UTC")!)
        return max(boundary.day(at: now), tally.lastDay ?? boundary.day(at: now))
    }
}
