import Domain
import Foundation
import Postgres

/// What the boards read from PostgreSQL (the ledger, user_stats, who is ranked) and the
/// tables they own (`leaderboard_reports`, the users' leaderboard columns). Only accounts that
/// are on the boards (not left by choice, not hidden by an admin) are ever read for ranking.
struct LeaderboardStore {
    let database: PostgresPool

    /// One ranked account's figures, as one statement read them.
    struct Totals: Sendable {
        let userID: String
        let totalSeconds: Int
        let streak: Int
        /// Epoch seconds when the streak breaks (0 without one).
        let streakAliveUntil: Int
        /// The last credit (epoch ms): which read of the streak is newer.
        let lastCreditMs: Int
    }

    /// A row of the admin's list of reports.
    struct Report: Sendable {
        let at: Double
        let reporter: String
        let reportedID: String
        let reported: String
        let board: LeaderboardKind
        let reason: String
        let reportedIsHidden: Bool
    }

    private func rows(_ sql: String, _ params: [any PostgresBindable], on conn: PostgresConnection?) throws -> PostgresRows {
        try conn.map { try $0.query(sql, params) } ?? database.query(sql, params)
    }

    private static func uuidArray(_ ids: [String]) -> String {
        "{" + ids.filter { UUID(uuidString: $0) != nil }.joined(separator: ",") + "}"
    }

    private static func epoch(_ date: Date) -> String { String(date.timeIntervalSince1970) }

    // MARK: - Ranking reads

    /// Totals and streaks of those of `userIDs` who are ranked.
    func totals(of userIDs: [String], on conn: PostgresConnection? = nil) throws -> [Totals] {
        try rows(
            """
            SELECT s.user_id, s.total_seconds, s.streak_current,
                   coalesce(floor(extract(epoch FROM s.streak_alive_until))::bigint, 0),
                   coalesce(floor(extract(epoch FROM s.last_credit_at) * 1000)::bigint, 0)
            FROM user_stats s JOIN users u ON u.id = s.user_id
            WHERE s.user_id = ANY($1::uuid[]) AND is_ranked(u)
            """, [Self.uuidArray(userIDs)], on: conn
        ).map(Self.totals)
    }

    /// Seconds of focus that ended within `period`, per ranked account among `userIDs`.
    func sums(in period: LeaderboardPeriod, of userIDs: [String], on conn: PostgresConnection? = nil) throws -> [(String, Int)] {
        try rows(
            """
            SELECT c.user_id, sum(c.seconds) FROM focus_credits c JOIN users u ON u.id = c.user_id
            WHERE c.user_id = ANY($3::uuid[]) AND c.ended_at >= to_timestamp($1) AND c.ended_at < to_timestamp($2)
              AND is_ranked(u)
            GROUP BY c.user_id
            """, [Self.epoch(period.start), Self.epoch(period.end), Self.uuidArray(userIDs)], on: conn
        ).map { ($0.string(0), $0.int(1)) }
    }

    /// Seconds of focus that ended within `period`, for every ranked account with any (a rebuild).
    func allSums(in period: LeaderboardPeriod, on conn: PostgresConnection) throws -> [(String, Int)] {
        try conn.query(
            """
            SELECT c.user_id, sum(c.seconds) FROM focus_credits c JOIN users u ON u.id = c.user_id
            WHERE c.ended_at >= to_timestamp($1) AND c.ended_at < to_timestamp($2) AND is_ranked(u)
            GROUP BY c.user_id
            """, [Self.epoch(period.start), Self.epoch(period.end)]
        ).map { ($0.string(0), $0.int(1)) }
    }

    /// Totals and streaks of every ranked account with any focus (a rebuild).
    func allTotals(on conn: PostgresConnection) throws -> [Totals] {
        try conn.query(
            """
            SELECT s.user_id, s.total_seconds, s.streak_current,
                   coalesce(floor(extract(epoch FROM s.streak_alive_until))::bigint, 0),
                   coalesce(floor(extract(epoch FROM s.last_credit_at) * 1000)::bigint, 0)
            FROM user_stats s JOIN users u ON u.id = s.user_id
            WHERE s.total_seconds > 0 AND is_ranked(u)
            """
        ).map(Self.totals)
    }

    private static func totals(_ row: PostgresRow) -> Totals {
        Totals(userID: row.string(0), totalSeconds: row.int(1), streak: row.int(2), streakAliveUntil: row.int(3), lastCreditMs: row.int(4))
    }

    // MARK: - The top of a board straight from PostgreSQL (while Redis is catching up)

    /// The `limit` ranked accounts with the most focus that ended within `period`.
    func topSums(in period: LeaderboardPeriod, limit: Int) throws -> [(String, Int)] {
        try database.query(
            """
            SELECT c.user_id, sum(c.seconds) AS seconds FROM focus_credits c JOIN users u ON u.id = c.user_id
            WHERE c.ended_at >= to_timestamp($1) AND c.ended_at < to_timestamp($2) AND is_ranked(u)
            GROUP BY c.user_id ORDER BY seconds DESC, c.user_id DESC LIMIT $3
            """, [Self.epoch(period.start), Self.epoch(period.end), limit]
        ).map { ($0.string(0), $0.int(1)) }
    }

    /// The `limit` ranked accounts with the most focus of all time (by `user_stats_total_idx`).
    func topTotals(limit: Int) throws -> [(String, Int)] {
        try database.query(
            """
            SELECT s.user_id, s.total_seconds FROM user_stats s JOIN users u ON u.id = s.user_id
            WHERE s.total_seconds > 0 AND is_ranked(u)
            ORDER BY s.total_seconds DESC, s.user_id DESC LIMIT $1
            """, [limit]
        ).map { ($0.string(0), $0.int(1)) }
    }

    /// The `limit` ranked accounts with the longest streaks still alive (by `user_stats_streak_idx`).
    func topStreaks(limit: Int) throws -> [(String, Int)] {
        try database.query(
            """
            SELECT s.user_id, s.streak_current FROM user_stats s JOIN users u ON u.id = s.user_id
            WHERE s.streak_current > 0 AND s.streak_alive_until > now() AND is_ranked(u)
            ORDER BY s.streak_current DESC, s.user_id DESC LIMIT $1
            """, [limit]
        ).map { ($0.string(0), $0.int(1)) }
    }

    // MARK: - Showing a board

    /// Username and display name of those of `userIDs` still ranked (someone who left a moment
    /// ago is not shown, even before Redis has heard).
    func names(of userIDs: [String]) throws -> [String: (username: String, displayName: String)] {
        guard !userIDs.isEmpty else { return [:] }
        var names: [String: (String, String)] = [:]
        for row in try database.query(
            "SELECT u.id, u.username, u.display_name FROM users u WHERE u.id = ANY($1::uuid[]) AND is_ranked(u)",
            [Self.uuidArray(userIDs)])
        {
            names[row.string(0)] = (row.string(1), row.string(2))
        }
        return names
    }

    /// Whether the account chose to be on the boards, and whether an admin hid it.
    func membership(of userID: String) throws -> (onBoards: Bool, hidden: Bool) {
        guard
            let row = try database.query(
                "SELECT on_leaderboards, leaderboard_hidden_at IS NOT NULL FROM users WHERE id = $1", [userID]
            ).first
        else { return (false, false) }
        return (row.bool(0), row.bool(1))
    }

    /// The account's own choice (Settings → Preferences).
    func setOnBoards(_ userID: String, _ on: Bool) throws {
        try database.query("UPDATE users SET on_leaderboards = $2 WHERE id = $1", [userID, on])
    }

    // MARK: - Reports and the admin's hand

    /// A ranked account by its username (case-insensitive), for reporting it: id and username.
    func rankedAccount(username: String) throws -> (id: String, username: String)? {
        try database.query(
            "SELECT u.id, u.username FROM users u WHERE lower(u.username) = lower($1) AND is_ranked(u)", [username]
        ).first.map { ($0.string(0), $0.string(1)) }
    }

    /// Stores a report.
    func report(by reporterID: String, of reportedID: String, on board: LeaderboardKind, reason: String) throws {
        try database.query(
            "INSERT INTO leaderboard_reports (reporter_id, reported_id, board, reason) VALUES ($1, $2, $3, $4)",
            [reporterID, reportedID, board.rawValue, reason])
    }

    /// The newest reports, for admins.
    func recentReports(limit: Int) throws -> [Report] {
        try database.query(
            """
            SELECT extract(epoch FROM r.created_at)::float8, reporter.username, reported.id, reported.username, r.board, r.reason,
                   reported.leaderboard_hidden_at IS NOT NULL
            FROM leaderboard_reports r JOIN users reporter ON reporter.id = r.reporter_id JOIN users reported ON reported.id = r.reported_id
            ORDER BY r.created_at DESC, r.id DESC LIMIT $1
            """, [limit]
        ).compactMap { row in
            LeaderboardKind(stored: row.string(4)).map {
                Report(
                    at: Double(row.string(0)) ?? 0, reporter: row.string(1), reportedID: row.string(2), reported: row.string(3), board: $0,
                    reason: row.string(5), reportedIsHidden: row.bool(6))
            }
        }
    }

    /// Accounts an admin hid, newest first: id and username.
    func hiddenAccounts(limit: Int) throws -> [(id: String, username: String)] {
        try database.query(
            "SELECT id, username FROM users WHERE leaderboard_hidden_at IS NOT NULL ORDER BY leaderboard_hidden_at DESC LIMIT $1", [limit]
        ).map { ($0.string(0), $0.string(1)) }
    }

    /// Hides an account from the boards (kept if already hidden); nil when there is no such
    /// account, else its username and whether it was hidden already.
    func hide(_ userID: String, by adminID: String, on conn: PostgresConnection) throws -> (username: String, wasHidden: Bool)? {
        guard UUID(uuidString: userID) != nil else { return nil }
        return try conn.query(
            """
            UPDATE users u SET leaderboard_hidden_at = coalesce(u.leaderboard_hidden_at, now()),
                leaderboard_hidden_by = coalesce(u.leaderboard_hidden_by, $2)
            FROM (SELECT leaderboard_hidden_at IS NOT NULL AS was FROM users WHERE id = $1 FOR UPDATE) old
            WHERE u.id = $1 RETURNING u.username, old.was
            """, [userID, adminID]
        ).first.map { ($0.string(0), $0.bool(1)) }
    }

    /// Lets a hidden account back on the boards (if its owner has not left them); nil when
    /// there is no such account, else its username and whether it was hidden.
    func unhide(_ userID: String, on conn: PostgresConnection) throws -> (username: String, wasHidden: Bool)? {
        guard UUID(uuidString: userID) != nil else { return nil }
        return try conn.query(
            """
            UPDATE users u SET leaderboard_hidden_at = NULL, leaderboard_hidden_by = NULL
            FROM (SELECT leaderboard_hidden_at IS NOT NULL AS was FROM users WHERE id = $1 FOR UPDATE) old
            WHERE u.id = $1 RETURNING u.username, old.was
            """, [userID]
        ).first.map { ($0.string(0), $0.bool(1)) }
    }
}
