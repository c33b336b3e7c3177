import Domain
import Foundation

/// Where the boards live in Redis. Every name starts with `leaderboard:` (the seed's
/// `leaderboard:weekly`, one set per ISO week: `leaderboard:weekly:2026-W49`), and members are
/// account ids. ARCHITECTURE.md ("Leaderboards") lists them all.
enum LeaderboardKeys {
    static let prefix = "leaderboard:"
    /// Seconds of focus per account, all time (user_stats.total_seconds).
    static let alltime = "leaderboard:alltime"
    /// Current day streaks, and when each one breaks unless something is credited first, and
    /// which credit each was read from (so an older read never overwrites a newer one).
    static let consistency = "leaderboard:consistency"
    static let streakUntil = "leaderboard:consistency:until"
    static let streakRead = "leaderboard:consistency:at"
    /// Accounts that just left the boards (score: when, epoch ms), for ten minutes: a write read
    /// from PostgreSQL before they left and arriving after must not put them back.
    static let left = "leaderboard:left"
    static let leftMemorySeconds = 600
    /// When the last full rebuild read PostgreSQL (epoch ms). A flush or a restart without data
    /// removes it, which is how the serve jobs notice the boards must be rebuilt.
    static let built = "leaderboard:built"
    /// Held (SET NX, a build token) while one process rebuilds; writes made meanwhile go to the
    /// live sets and the build's copies both.
    static let rebuilding = "leaderboard:rebuilding"
    static let rebuildLockSeconds = 30

    static func weekly(_ week: LeaderboardPeriod) -> String { "leaderboard:weekly:" + week.id }
    static func monthly(_ month: LeaderboardPeriod) -> String { "leaderboard:monthly:" + month.id }

    /// The set a board reads at `now` (weekly and monthly: the current span's).
    static func board(_ kind: LeaderboardKind, at now: Date) -> String {
        switch kind {
        case .weekly: return weekly(.week(containing: now))
        case .monthly: return monthly(.month(containing: now))
        case .alltime: return alltime
        case .consistency: return consistency
        }
    }

    /// When a span's set may go: a week's is shown as "last week" through the whole of the next
    /// one (and a day more, for late readers); a month's is only read while it is current.
    static func expiry(_ period: LeaderboardPeriod) -> Int {
        let keep: TimeInterval = period.span == .week ? 8 * 86_400 : 86_400
        return Int(period.end.timeIntervalSince1970 + keep)
    }

    /// Every set one account can be in at `now`, for removing them from all at once.
    static func everyBoard(at now: Date) -> [String] {
        let week = LeaderboardPeriod.week(containing: now)
        let month = LeaderboardPeriod.month(containing: now)
        return [
            weekly(week), weekly(week.previous), weekly(week.previous.previous), monthly(month), monthly(month.previous),
            alltime, consistency, streakUntil,
        ]
    }
}
