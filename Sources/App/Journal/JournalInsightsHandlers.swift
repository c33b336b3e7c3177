import Domain
import Foundation
import Web

/// GET /journal/insights (`?range=week|month|all`, month when none is named): the owner's own
/// patterns, for them alone (the route is `user`, and every statement names the signed-in
/// owner, so nobody can ask for anyone else's).
enum JournalInsightsHandlers {
    static let page: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        guard let range = InsightsRange(query: try ctx.request.query.value("range")) else {
            throw JournalRefusal.invalid("That is not a range the insights know: choose \(InsightsRange.choices).")
        }
        let gathered = try JournalInsightsStore(database: ctx.services.database).gather(userID: user.id, range: range, now: ctx.now)
        return Views.page("journal_insights", title: "Journal insights", JournalInsightsView(gathered: gathered).context, ctx: ctx)
    }
}
