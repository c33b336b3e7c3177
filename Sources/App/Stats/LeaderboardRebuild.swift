import Domain
import Foundation
import Logging
import Redis
import Sodium

/// Recomputes every board from PostgreSQL: this week's and last week's sums (by `ended_at` in
/// UTC), this month's, all-time totals and live streaks, read in one REPEATABLE READ snapshot.
/// They are written into copies (`leaderboard:build:TOKEN:…`) that replace the live sets in one
/// step, so readers never see a half-built board. The lock (`leaderboard:rebuilding`, SET NX,
/// renewed by every write) is taken before the snapshot; writes made while it is held go to the
/// live sets and the copies alike, so a credit that committed after the snapshot is not lost when
/// the copies replace the live sets.
struct LeaderboardRebuild {
    let boards: Leaderboards

    /// What a rebuild wrote.
    struct Summary: Sendable {
        /// Every credit committed before this instant is on the boards.
        let readFrom: Date
        let weekly: Int
        let lastWeek: Int
        let monthly: Int
        let alltime: Int
        let consistency: Int
        let elapsed: TimeInterval

        var line: String {
            "weekly=\(weekly) last_week=\(lastWeek) monthly=\(monthly) alltime=\(alltime) consistency=\(consistency) elapsed_ms=\(Int(elapsed * 1000))"
        }

        var metadata: Logger.Metadata {
            [
                "weekly": "\(weekly)", "last_week": "\(lastWeek)", "monthly": "\(monthly)", "alltime": "\(alltime)",
                "consistency": "\(consistency)", "elapsed_ms": "\(Int(elapsed * 1000))",
            ]
        }
    }

    /// Another rebuild took the lock away (it expired: this one stalled for 30 s).
    struct LostLock: Error, CustomStringConvertible {
        var description: String { "the leaderboards rebuild lost its lock" }
    }

    /// Rebuilds everything; nil when another process is rebuilding now. Throws when Redis or
    /// PostgreSQL fails, leaving the live sets as they were.
    func run(now: Date = Date()) throws -> Summary? {
        guard let redis = boards.redis else { return nil }
        let token = Base64URL.encode(Sodium.randomBytes(12))
        let taken = try redis.command(["SET", LeaderboardKeys.rebuilding, token, "NX", "EX", String(LeaderboardKeys.rebuildLockSeconds)])
        guard taken.string == "OK" else { return nil }
        let started = Date()
        do {
            let week = LeaderboardPeriod.week(containing: now)
            let month = LeaderboardPeriod.month(containing: now)
            let store = boards.store
            let (thisWeek, lastWeek, thisMonth, totals) = try boards.database.transaction { conn in
                try conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                return (
                    try store.allSums(in: week, on: conn), try store.allSums(in: week.previous, on: conn),
                    try store.allSums(in: month, on: conn), try store.allTotals(on: conn)
                )
            }
            let nowSeconds = Int(now.timeIntervalSince1970)
            let streaks = totals.filter { $0.streak > 0 && $0.streakAliveUntil > nowSeconds }
            let written = [
                try boards.writeSums(thisWeek, to: LeaderboardKeys.weekly(week), mode: .set, readAt: started, target: token),
                try boards.writeSums(lastWeek, to: LeaderboardKeys.weekly(week.previous), mode: .set, readAt: started, target: token),
                try boards.writeSums(thisMonth, to: LeaderboardKeys.monthly(month), mode: .set, readAt: started, target: token),
                try boards.writeSums(
                    totals.map { ($0.userID, $0.totalSeconds) }, to: LeaderboardKeys.alltime, mode: .set, readAt: started, target: token),
                try boards.writeStreaks(streaks, now: now, readAt: started, target: token),
            ]
            guard !written.contains(false) else { throw LostLock() }
            let live: [(String, Int)] = [
                (LeaderboardKeys.weekly(week), LeaderboardKeys.expiry(week)),
                (LeaderboardKeys.weekly(week.previous), LeaderboardKeys.expiry(week.previous)),
                (LeaderboardKeys.monthly(month), LeaderboardKeys.expiry(month)),
                (LeaderboardKeys.alltime, 0), (LeaderboardKeys.consistency, 0), (LeaderboardKeys.streakUntil, 0),
                (LeaderboardKeys.streakRead, 0),
            ]
            var keys = [LeaderboardKeys.rebuilding, LeaderboardKeys.built]
            for (key, _) in live { keys += [Self.copy(key, token: token), key] }
            let finished = try redis.command(
                ["EVAL", LeaderboardScripts.finish, String(keys.count)] + keys
                    + [token, String(Int(started.timeIntervalSince1970 * 1000))] + live.map { String($0.1) })
            guard finished.integer == 1 else { throw LostLock() }
            return Summary(
                readFrom: started, weekly: thisWeek.count, lastWeek: lastWeek.count, monthly: thisMonth.count,
                alltime: totals.filter { $0.totalSeconds > 0 }.count, consistency: streaks.count, elapsed: Date().timeIntervalSince(started))
        } catch {
            _ = try? redis.command(["EVAL", LeaderboardScripts.abandon, "1", LeaderboardKeys.rebuilding, token])
            throw error
        }
    }

    /// The build's copy of a live key (as the Lua scripts name it).
    static func copy(_ key: String, token: String) -> String {
        "leaderboard:build:" + token + ":" + key.dropFirst(LeaderboardKeys.prefix.count)
    }
}
