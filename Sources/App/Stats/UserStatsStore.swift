import Domain
import Foundation
import Postgres

/// What the personal stats pages read: the owner and their tally (`user_stats`, the projection
/// of the ledger), and their ledger rows (`focus_credits`) for the days a page draws. A whole
/// stats page costs two statements, whatever the length of the owner's history.
struct UserStatsStore {
    let database: PostgresPool

    /// The person a stats page is about.
    struct Owner: Sendable, Equatable {
        let id: String
        let username: String
        let displayName: String
        /// Accounts whose address was never proven have no public face.
        let proven: Bool
        let visibility: StatsVisibility
        let timezone: String
        let tally: FocusTally
    }

    /// One ledger row, as the charts need it.
    struct Credit: Sendable {
        let day: LocalDate
        let start: Date
        let end: Date
        let seconds: Int
        let zone: String
    }

    /// The owner's own numbers at a glance (/me).
    struct Glance: Sendable {
        let tally: FocusTally
        /// Seconds credited today (or on a later day a journey west stamped) and this week.
        let todaySeconds: Int
        let weekSeconds: Int
    }

    /// The tally's columns, read by `tally(_:from:)` in this order (user_stats as `s`).
    private static let tallyColumns = """
        s.total_seconds, s.sessions, s.last_day::text, extract(epoch FROM s.last_credit_at)::float8, s.last_zone,
        s.streak_current, s.streak_best, s.freezes_banked, s.freezes_spent, s.best_day::text, s.best_day_seconds
        """

    /// The account named `username` (any case), with its tally; nil when nobody has that name.
    func owner(username: String) throws -> Owner? {
        guard
            let row = try database.query(
                """
                SELECT u.id, u.username, u.display_name, u.email_verified_at IS NOT NULL, u.stats_visibility, u.timezone,
                       \(Self.tallyColumns)
                FROM users u LEFT JOIN user_stats s ON s.user_id = u.id
                WHERE lower(u.username) = lower($1)
                """, [username]
            ).first
        else { return nil }
        return Owner(
            id: row.string(0), username: row.string(1), displayName: row.string(2), proven: row.bool(3),
            visibility: StatsVisibility(stored: row.string(4)), timezone: row.string(5), tally: Self.tally(row, from: 6))
    }

    /// The owner's first day with credit (nil before any), and their ledger rows stamped on or
    /// after `since` or within `days`, oldest first.
    func credits(userID: String, since: LocalDate, or days: ClosedRange<LocalDate>) throws -> (firstDay: LocalDate?, [Credit]) {
        let rows = try database.query(
            """
            SELECT f.first::text, c.day, c.started, c.ended, c.seconds, c.zone
            FROM (SELECT min(local_day) AS first FROM focus_credits WHERE user_id = $1) f
            LEFT JOIN LATERAL (
                SELECT local_day - DATE '1970-01-01' AS day, extract(epoch FROM started_at)::float8 AS started,
                       extract(epoch FROM ended_at)::float8 AS ended, seconds, time_zone AS zone
                FROM focus_credits
                WHERE user_id = $1 AND (local_day >= $2::date OR local_day BETWEEN $3::date AND $4::date)) c ON true
            ORDER BY c.started
            """, [userID, since.iso, days.lowerBound.iso, days.upperBound.iso])
        let credits = rows.compactMap { row -> Credit? in
            guard row[1] != nil else { return nil }
            return Credit(
                day: LocalDate(dayNumber: row.int(1)), start: Date(timeIntervalSince1970: Double(row.string(2)) ?? 0),
                end: Date(timeIntervalSince1970: Double(row.string(3)) ?? 0), seconds: row.int(4), zone: row.string(5))
        }
        return (rows.first?[0].flatMap(LocalDate.init(iso:)), credits)
    }

    /// Who may see the account's stats page.
    func visibility(userID: String) throws -> StatsVisibility {
        StatsVisibility(stored: try database.query("SELECT stats_visibility FROM users WHERE id = $1", [userID]).first?.string(0) ?? "")
    }

    /// The account's tally with what it credited from `today` on and since `weekStart`.
    func glance(userID: String, today: LocalDate, weekStart: LocalDate) throws -> Glance {
        let row = try database.query(
            """
            SELECT \(Self.tallyColumns), f.today, f.week
            FROM users u LEFT JOIN user_stats s ON s.user_id = u.id
            CROSS JOIN LATERAL (
                SELECT coalesce(sum(seconds) FILTER (WHERE local_day >= $2::date), 0) AS today, coalesce(sum(seconds), 0) AS week
                FROM focus_credits WHERE user_id = u.id AND local_day >= $3::date) f
            WHERE u.id = $1
            """, [userID, today.iso, weekStart.iso]
        ).first
        guard let row else { return Glance(tally: FocusTally(), todaySeconds: 0, weekSeconds: 0) }
        return Glance(tally: Self.tally(row, from: 0), todaySeconds: row.int(11), weekSeconds: row.int(12))
    }

    /// Locks the account's tally row (made when missing), so that no credit lands between
    /// reading its ledger and writing the rebuilt tally; on the rebuild's transaction.
    func lockTally(userID: String, on conn: PostgresConnection) throws {
        try conn.query(
            """
            WITH made AS (INSERT INTO user_stats (user_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1)
            SELECT 1 FROM user_stats WHERE user_id = $1 FOR UPDATE
            """, [userID])
    }

    /// A tally from `tallyColumns` starting at column `first` (all null before any credit).
    private static func tally(_ row: PostgresRow, from first: Int) -> FocusTally {
        var tally = FocusTally()
        tally.totalSeconds = row.int(first)
        tally.sessions = row.int(first + 1)
        tally.lastDay = row[first + 2].flatMap(LocalDate.init(iso:))
        tally.lastCreditAt = row[first + 3].flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
        tally.lastZone = row[first + 4]
        tally.streakCurrent = row.int(first + 5)
        tally.streakBest = row.int(first + 6)
        tally.freezesBanked = row.int(first + 7)
        tally.freezesSpent = row.int(first + 8)
        tally.bestDay = row[first + 9].flatMap(LocalDate.init(iso:))
        tally.bestDaySeconds = row.int(first + 10)
        return tally
    }
}
