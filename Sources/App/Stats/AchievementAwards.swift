import Domain
import Foundation
import Postgres

/// Awards achievements: in the crediting transaction for the batch it wrote, from a whole ledger
/// after a guest's credit was adopted, and to every account by `pomopomo achievements backfill`.
/// The rules are Domain's (`Achievement`, over `AchievementFacts`); this gathers the facts.
enum AchievementAwards {
    /// In the crediting transaction, after `credits` were written and the tallies folded and stored.
    /// One statement reads every credited account's facts, at most one more writes what is new,
    /// however many people the batch credits; when something is new, one more adds a notice per
    /// achievement and one bumps the live channels of those who earned them. Guests earn nothing
    /// until their credit is adopted. Returns the channel versions to announce after the commit.
    static func award(after credits: [FocusCredit], on conn: PostgresConnection) throws -> [(userID: String, version: Int)] {
        var firstStart: [String: Date] = [:]
        var lastEnd: [String: Date] = [:]
        var sessions: [String: [AchievementFacts.Session]] = [:]
        for credit in credits {
            guard let userID = credit.userID else { continue }
            firstStart[userID] = min(firstStart[userID] ?? credit.start, credit.start)
            lastEnd[userID] = max(lastEnd[userID] ?? credit.end, credit.end)
            if credit.completed {
                sessions[userID, default: []].append(
                    AchievementFacts.Session(end: credit.end, zone: credit.zone, peoplePresent: credit.peoplePresent, hosted: credit.hosted))
            }
        }
        var awards: [(userID: String, achievement: Achievement, at: Date?)] = []
        for (userID, var standing) in try AchievementStore.standingsBeforeBatch(firstStart, on: conn) {
            for session in sessions[userID] ?? [] { standing.facts.count(session) }
            awards += standing.facts.earned.filter { !standing.earned.contains($0) }.map { (userID, $0, lastEnd[userID]) }
        }
        return try NotificationStore.addAchievements(try AchievementStore.award(awards, on: conn), on: conn)
    }

    /// Catches one account up from its whole ledger (after a guest's credit was adopted), in the
    /// caller's transaction, after its tally was rebuilt. Returns how many it awarded.
    @discardableResult
    static func catchUp(userID: String, on conn: PostgresConnection) throws -> Int {
        let awarded = try AchievementStore.award(newlyEarned(try AchievementStore.standingsFromLedger(.one(userID), on: conn)), on: conn)
        // Their next page shows the header count; nobody is parked on a channel this new session has not opened.
        try NotificationStore.addAchievements(awarded, on: conn)
        return awarded.count
    }

    /// Every account with credit, `pageSize` at a time, each page in its own transaction (two
    /// statements). Safe to run again, or while people are being credited: nothing is awarded twice.
    static func backfill(database: PostgresPool, pageSize: Int = 500) throws -> (accounts: Int, awarded: Int) {
        var after = AchievementStore.firstID
        var (accounts, awarded) = (0, 0)
        while true {
            let (page, count) = try database.transaction { conn in
                let page = try AchievementStore.standingsFromLedger(.page(after: after, limit: pageSize), on: conn)
                let awarded = try AchievementStore.award(newlyEarned(page), on: conn)
                // A parked channel sees the version next time it asks (the command has no hub to announce on).
                try NotificationStore.addAchievements(awarded, on: conn)
                return (page, awarded.count)
            }
            accounts += page.count
            awarded += count
            guard let last = page.last, page.count == pageSize else { return (accounts, awarded) }
            after = last.userID
        }
    }

    /// What each account meets and was not awarded yet, dated when it is written.
    private static func newlyEarned(
        _ standings: [(userID: String, standing: AchievementStore.Standing)]
    ) -> [(
        userID: String, achievement: Achievement, at: Date?
    )] {
        standings.flatMap { userID, standing in
            standing.facts.earned.filter { !standing.earned.contains($0) }.map { (userID, $0, nil as Date?) }
        }
    }
}
