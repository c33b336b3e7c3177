import Domain
import Foundation
import Web

/// GET /journal/insights (`?range=week|month|all`, month when none is named): the owner's own
/// patterns, for them alone (the route is `user`, and every statement names the signed-in
/// owner, so nobody can ask for anyone else's). The body is kept per state of the journal
/// (`JournalInsightsCache`): viewing it again costs two small statements.
enum JournalInsightsHandlers {
    static let page: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        guard let range = InsightsRange(query: try ctx.request.query.value("range")) else {
            throw JournalRefusal.invalid("That is not a range the insights know: choose \(InsightsRange.choices).")
        }
        let store = JournalInsightsStore(database: ctx.services.database)
        let scope = try store.scope(userID: user.id, now: ctx.now)
        let body = try ctx.services.journalInsightsCache.body(JournalInsightsCache.Key(userID: user.id, range: range, scope: scope)) {
            let gathered = try store.gather(userID: user.id, range: range, scope: scope)
            return ctx.services.templates.render("partials/journal_insights_body", JournalInsightsView(gathered: gathered).context)
        }
        return .response(
            Views.page("journal_insights", title: "Journal insights", [:], for: ctx, services: ctx.services, parts: ["insights_body": [body]]))
    }
}
