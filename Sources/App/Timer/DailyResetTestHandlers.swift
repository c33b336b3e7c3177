#if DEBUG
import Foundation
import Web

/// `POST /_test/daily-resets/run`, compiled into debug builds only (what `make test` runs):
/// one pass of the sweeper's daily resets and of the reset-event retention at the request's
/// instant (`X-Pomopomo-Test-Now`), so tests can live through DST nights and 2011's Apia
/// without waiting for them. Release builds have neither the route nor this handler.
enum DailyResetTestHandlers {
    struct Ran: Encodable {
        let ran: Int
        let reset: Int
        let pruned: Int
    }

    static func run(_ ctx: RequestContext) throws -> Outcome {
        let now = ctx.now
        let outcome = try DailyResetJobs.sweep(now: { now }, services: ctx.services)
        let pruned = try DailyResetJobs.prune(now: now, services: ctx.services)
        return .response(.json(JSONBody.encode(Ran(ran: outcome.ran, reset: outcome.reset, pruned: pruned))))
    }
}
#endif
