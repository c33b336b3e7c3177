import Domain
import Foundation
import Postgres

/// `user_achievements`, and the facts the rules need read from `user_stats` and the ledger. Every
/// method costs one statement whatever the number of people it is given.
enum AchievementStore {
    /// One account's facts, and what it has already been awarded.
    struct Standing {
        var facts: AchievementFacts
        let earned: Set<Achievement>
    }

    /// One achievement as the owner's profile shows it.
    struct Earned {
        let achievement: Achievement
        let earnedAt: Date
    }

    /// Where the whole-ledger facts are read: a page of accounts in id order, or one account.
    enum Accounts {
        case page(after: String, limit: Int)
        case one(String)
    }

    static let firstID = "00000000-0000-0000-0000-000000000000"

    /// For the crediting transaction: each account's freshly folded tally (`user_stats`, current on
    /// this connection), its completed sessions with company that ended at or before `before[id]`
    /// (the start of its first row in the batch, so the batch's own rows are left for the caller to
    /// count), capped at what the rules need and not counted at all once earned, and what it has
    /// already earned.
    static func standingsBeforeBatch(_ before: [String: Date], on conn: PostgresConnection) throws -> [String: Standing] {
        guard !before.isEmpty else { return [:] }
        let entries = before.sorted { $0.key < $1.key }
        var result: [String: Standing] = [:]
        for row in try conn.query(
            """
            SELECT s.user_id, s.sessions, s.streak_best, s.best_day_seconds,
                   CASE WHEN $6 = ANY(e.earned) THEN $5 ELSE
                       (SELECT count(*) FROM (SELECT 1 FROM focus_credits f
                            WHERE f.user_id = b.id AND f.completed AND f.people_present >= $3 AND f.ended_at <= to_timestamp(b.since)
                            LIMIT $5) AS t) END,
                   CASE WHEN $7 = ANY(e.earned) THEN $5 ELSE
                       (SELECT count(*) FROM (SELECT 1 FROM focus_credits f
                            WHERE f.user_id = b.id AND f.completed AND f.hosted AND f.people_present >= $4
                                  AND f.ended_at <= to_timestamp(b.since)
                            LIMIT $5) AS t) END,
                   array_to_string(e.earned, ',')
            FROM unnest($1::uuid[], $2::float8[]) AS b(id, since) JOIN user_stats s ON s.user_id = b.id
            CROSS JOIN LATERAL (
                SELECT coalesce(array_agg(a.achievement), '{}') AS earned FROM user_achievements a WHERE a.user_id = b.id) AS e
            """,
            [
                array(entries.map(\.key)), array(entries.map { String($0.value.timeIntervalSince1970) }),
                Achievement.teamPeople, Achievement.hostPeople, Achievement.countedSessions,
                Achievement.teamPlayer.rawValue, Achievement.host.rawValue,
            ])
        {
            result[row.string(0)] = standing(row)
        }
        return result
    }

    /// Whole-ledger facts for backfill and catch-up: the tally's part from `user_stats` (the
    /// ledger's projection; its streaks need the fold, which `pomopomo stats rebuild` redoes), the
    /// counts and completion hours from every completed row (hours by the wall clock of each row's
    /// zone; a zone PostgreSQL does not know is left out (`known_time_zone`) rather than failing the run), and what
    /// each account has already earned. In account id order.
    static func standingsFromLedger(_ accounts: Accounts, on conn: PostgresConnection) throws -> [(userID: String, standing: Standing)] {
        let (which, params): (String, [any PostgresBindable]) =
            switch accounts {
            case .page(let after, let limit): ("user_id > $3::uuid ORDER BY user_id LIMIT $4", [after, limit])
            case .one(let userID): ("user_id = $3::uuid", [userID])
            }
        return try conn.query(
            """
            WITH accounts AS (SELECT user_id, sessions, streak_best, best_day_seconds FROM user_stats WHERE \(which)),
            sessions AS (
                SELECT f.user_id, f.people_present, f.hosted, f.ended_at, f.time_zone
                FROM accounts p JOIN focus_credits f ON f.user_id = p.user_id AND f.completed),
            -- OFFSET 0 keeps the check on the few distinct zones instead of every row.
            zones AS (SELECT zone FROM (SELECT DISTINCT time_zone AS zone FROM sessions OFFSET 0) AS d WHERE known_time_zone(zone))
            SELECT p.user_id, p.sessions, p.streak_best, p.best_day_seconds,
                   count(*) FILTER (WHERE f.people_present >= $1),
                   count(*) FILTER (WHERE f.hosted AND f.people_present >= $2),
                   (SELECT string_agg(a.achievement, ',') FROM user_achievements a WHERE a.user_id = p.user_id),
                   coalesce(bit_or(1 << extract(hour FROM f.ended_at AT TIME ZONE z.zone)::int), 0)
            FROM accounts p
            LEFT JOIN sessions f ON f.user_id = p.user_id
            LEFT JOIN zones z ON z.zone = f.time_zone
            GROUP BY p.user_id, p.sessions, p.streak_best, p.best_day_seconds
            ORDER BY p.user_id
            """, [Achievement.teamPeople, Achievement.hostPeople] + params
        ).map { row in
            var standing = standing(row)
            let hours = row.int(7)  // bit h set: a session was completed in local hour h
            standing.facts.completionHours = Set((0..<24).filter { hours & (1 << $0) != 0 })
            return (row.string(0), standing)
        }
    }

    private static func standing(_ row: PostgresRow) -> Standing {
        var facts = AchievementFacts()
        facts.sessions = row.int(1)
        facts.streakBest = row.int(2)
        facts.bestDaySeconds = row.int(3)
        facts.teamSessions = row.int(4)
        facts.hostedSessions = row.int(5)
        let earned = (row[6] ?? "").split(separator: ",").compactMap { Achievement(stored: String($0)) }
        return Standing(facts: facts, earned: Set(earned))
    }

    /// Awards each (account, achievement) not awarded before, dated `at` (nil: now). Returns
    /// those that were new (each gets its notice: `NotificationStore.addAchievements`).
    @discardableResult
    static func award(
        _ awards: [(userID: String, achievement: Achievement, at: Date?)], on conn: PostgresConnection
    ) throws -> [(userID: String, achievement: Achievement)] {
        guard !awards.isEmpty else { return [] }
        // In key order, like every writer of these rows, so two batches never wait on each other in a circle.
        let sorted = awards.sorted { ($0.userID, $0.achievement.rawValue) < ($1.userID, $1.achievement.rawValue) }
        return try conn.query(
            """
            INSERT INTO user_achievements (user_id, achievement, earned_at)
            SELECT u, a, coalesce(to_timestamp(e), now()) FROM unnest($1::uuid[], $2::text[], $3::float8[]) AS t(u, a, e)
            ON CONFLICT DO NOTHING
            RETURNING user_id, achievement
            """,
            [
                array(sorted.map(\.userID)), array(sorted.map(\.achievement.rawValue)),
                array(sorted.map { $0.at.map { String($0.timeIntervalSince1970) } ?? "NULL" }),
            ]
        ).compactMap { row in Achievement(stored: row.string(1)).map { (row.string(0), $0) } }
    }

    /// Marks the achievements a notice showed as seen; one earned since it was drawn stays unseen,
    /// so it is still told.
    static func markSeen(userID: String, shown: [Achievement], on conn: PostgresConnection) throws {
        try conn.query(
            "UPDATE user_achievements SET seen_at = now() WHERE user_id = $1 AND achievement = ANY($2::text[]) AND seen_at IS NULL",
            [userID, array(shown.map(\.rawValue))])
    }

    /// The account's achievements, in the order they were earned: for a viewer its stats
    /// visibility admits (`viewerAdmitted`: the owner, or a friend when it is for friends), and
    /// for anyone while its stats are public ('everyone').
    static func earned(userID: String, viewerAdmitted: Bool, on conn: PostgresConnection) throws -> [Earned] {
        try conn.query(
            """
            SELECT a.achievement, extract(epoch FROM a.earned_at)::float8 FROM user_achievements a JOIN users u ON u.id = a.user_id
            WHERE a.user_id = $1 AND ($2 OR u.stats_visibility = 'everyone') ORDER BY a.earned_at, a.achievement
            """, [userID, viewerAdmitted]
        ).compactMap { row in
            Achievement(stored: row.string(0)).map { Earned(achievement: $0, earnedAt: Date(timeIntervalSince1970: Double(row.string(1)) ?? 0)) }
        }
    }

    /// A PostgreSQL array literal of values that need no quoting (uuids, names, numbers, NULL).
    private static func array(_ values: [String]) -> String { "{" + values.joined(separator: ",") + "}" }
}
