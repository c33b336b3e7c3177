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
        let isOwner = try ctx.user?.id == owner.id
        guard owner.visibility.admits(isOwner: isOwner) else { throw hidden }
        let now = Date()
        let today = ownersToday(owner.timezone, tally: owner.tally, now: now)
        let periods = StatsPeriods(today: today)
        let years = min(owner.firstDay?.components.year ?? today.components.year, today.components.year)...today.components.year
        var year: Int? = nil
        if let text = try ctx.request.query.value("year") {
            do throws(StatsYear.Problem) { year = try StatsYear(validating: text, allowed: years).value } catch {
                throw ClientError.badRequest(error.description)
            }
        }
        let grid = year.map(DayGrid.year) ?? DayGrid.recent(through: today)
        let credits = try store.credits(userID: owner.id, since: periods.earliest, or: grid.days)
        let view = UserStatsView(owner: owner, periods: periods, grid: grid, year: year, years: years, credits: credits, now: now)
        var context = view.context
        context["is_owner"] = .bool(isOwner)
        return Views.page("user_stats", title: "\(owner.displayName) · focus stats", context, ctx: ctx)
    }

    /// The owner's day now: by their zone and day boundary, and never before the last day they
    /// were credited on (after flying west, credit keeps the later day, and so does the page).
    static func ownersToday(_ zone: String, tally: FocusTally, now: Date) -> LocalDate {
        let boundary = DayBoundary(zoneName: zone) ?? DayBoundary(zone: TimeZone(identifier: "UTC")!)
        return max(boundary.day(at: now), tally.lastDay ?? boundary.day(at: now))
    }
}
