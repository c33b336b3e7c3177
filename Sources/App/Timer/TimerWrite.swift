import Domain
import Foundation
import Postgres

/// One change to a person's timer, the same for the API and the forms: counted against the
/// write limit, the timer locked (made when missing; a guest's session row first), refused when
/// the client's `version` is not the current one, the day settled, the change made, the version
/// bumped only when something changed, and the channel announced after the commit so every
/// other tab updates.
enum TimerWrite {
    /// Thrown out of the transaction (which rolls it back) when the change is refused.
    typealias Change = (inout PersonalTimer, PostgresConnection) throws -> Bool

    /// Returns the timer as committed.
    static func perform(
        _ ctx: RequestContext, owner: PersonalTimerOwner, expectedVersion: Int? = nil, _ change: Change
    ) throws -> PersonalTimer {
        try ctx.limit(ctx.services.config.rateLimits.timerWrites)
        let now = ctx.now
        let session = ctx.session
        let (timer, changed) = try ctx.services.database.transaction { conn -> (PersonalTimer, Bool) in
            if case .guest = owner { try SessionStore.touch(session, on: conn) }
            var timer = try PersonalTimerStore.lock(owner, now: now, on: conn)
            if let expectedVersion, expectedVersion != timer.version {
                throw APIRefusal.staleVersion(current: PersonalTimerJSON(timer, now: now))
            }
            let reset = try DailyReset.settle(&timer, type: .automatic, now: now, device: nil, on: conn)
            let changed = try change(&timer, conn)
            guard reset || changed else { return (timer, false) }
            timer.version = try PersonalTimerStore.bump(timer.id, on: conn)
            return (timer, true)
        }
        if changed { ctx.announceAfterCommit([(timer.channel, timer.version)]) }
        return timer
    }
}
