import Domain
import Foundation
import Postgres

/// The sweeper's daily resets: due `scheduled_tasks` taken in batches (`FOR UPDATE SKIP LOCKED`,
/// so responders share the work and each reset runs once), each batch reset in a fixed number of
/// statements (`DailyReset.close`), versions bumped, and the timers' channels announced after
/// the commit. After downtime a task is simply overdue: it runs once, and the count's day is
/// brought to today however many reset times passed (the days between are closed at zero).
enum DailyResetSweep {
    static let batchSize = 500

    struct Outcome: Sendable {
        /// Tasks taken (due, and not held by anyone else).
        var ran = 0
        /// Of those, timers whose count started over.
        var reset = 0
    }

    /// Runs every task due at `now()` (asked afresh for each batch, so a long catch-up stamps
    /// each reset with when it ran), until none is left; `announce` gets each batch's channels
    /// once it has committed.
    static func run(
        now: () -> Date, dueSince: Date? = nil, batchSize: Int = batchSize, database: PostgresPool,
        announce: ([(channel: String, version: Int)]) -> Void
    ) throws -> Outcome {
        var total = Outcome()
        while true {
            let at = now()
            let (outcome, wakes) = try database.transaction { conn in try batch(now: at, dueSince: dueSince, limit: batchSize, on: conn) }
            announce(wakes)
            total.ran += outcome.ran
            total.reset += outcome.reset
            if outcome.ran < batchSize { return total }
        }
    }

    /// One batch on the caller's transaction: the resets it made and the versions to announce.
    static func batch(
        now: Date, dueSince: Date? = nil, limit: Int, on conn: PostgresConnection
    ) throws -> (Outcome, [(channel: String, version: Int)]) {
        // A commit lost to a crash loses its tasks' rescheduling with it, so they run again after
        // the restart: nothing needs each batch on disk before the next starts.
        try conn.query("SET LOCAL synchronous_commit TO off")
        let timers = try PersonalTimerStore.claimDueResets(now: now, dueSince: dueSince, limit: limit, on: conn)
        guard !timers.isEmpty else { return (Outcome(), []) }
        var boundaries = DayBoundaries()
        var closings: [DailyReset.Closing] = []
        var unchanged: [PersonalTimer] = []
        var wentBack: [String] = []
        for var timer in timers {
            let today = boundaries.day(at: now, for: timer)
            if today > timer.countDay {
                closings.append(DailyReset.Closing(timer: timer, today: today))
            } else {
                // Due but the day has not moved on (the zone or reset time changed without a
                // reschedule), or it went back (a zone further west): settle's rule, then the
                // task points at the next reset.
                if today < timer.countDay {
                    try DailyReset.settle(&timer, type: .automatic, now: now, device: nil, on: conn)
                    wentBack.append(timer.id)
                }
                unchanged.append(timer)
            }
        }
        let versions =
            try DailyReset.close(closings, type: .automatic, now: now, device: nil, sweeper: true, on: conn)
            + PersonalTimerStore.bump(ids: wentBack, on: conn)
        try DailyReset.reschedule(unchanged, ranAt: now, on: conn)
        return (
            Outcome(ran: timers.count, reset: closings.count),
            versions.map { (channel: PersonalTimer.channel($0.id), version: $0.version) }
        )
    }
}
