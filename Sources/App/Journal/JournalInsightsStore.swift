import Domain
import Foundation
import Postgres

/// SQL for the journal's insights (`/journal/insights`): aggregates over one owner's projections
/// (`journal_days`, `journal_sessions`, `journal_interruptions`, `journal_breaks`), never over
/// the events. Every statement names the owner. A range is a set of the journal's days (the day
/// a session started on, as its event recorded it), and interruptions and breaks count with their
/// session's day; hours and weekdays are the owner's wall clock (their zone, bound as a value).
/// Each statement answers with a few hundred grouped rows at most, whatever the journal's age.
struct JournalInsightsStore {
    let database: PostgresPool

    /// Sessions of one bucket with the same intent, status and "paused or not".
    struct SessionGroup: Sendable, Equatable {
        let bucket: LocalDate
        let intent: IntentCategory
        let status: JournalSessionStatus
        /// Paused at least once.
        let paused: Bool
        let count: Int
        let focusedSeconds: Int
    }

    /// Interruptions of one category in one hour of the day.
    struct InterruptionGroup: Sendable, Equatable {
        let category: InterruptionCategory
        let hour: Int
        let count: Int
    }

    /// Breaks with one activity (nil: none chosen); `ended` of them are over and took `minutes`.
    struct BreakGroup: Sendable, Equatable {
        let activity: BreakActivity?
        let count: Int
        let ended: Int
        let minutes: Int
    }

    /// Everything the page shows, for the days `first` through `today`.
    struct Gathered: Sendable {
        let range: InsightsRange
        let boundary: DayBoundary
        let today: LocalDate
        let first: LocalDate
        let bucket: InsightsBucket
        let sessions: [SessionGroup]
        /// Focused seconds by ISO weekday (index 0 is Monday) and hour.
        let focus: [[Int]]
        let interruptions: [InterruptionGroup]
        let breaks: [BreakGroup]
    }

    /// Where the owner stands: their day boundary, today by it, and their journal's last event
    /// (0 for none), which together with the range decide what the page shows.
    struct Scope: Sendable {
        let boundary: DayBoundary
        let today: LocalDate
        let lastEvent: Int
    }

    func scope(userID: String, now: Date) throws -> Scope {
        try database.withConnection { conn in
            let boundary = try JournalDayRule.boundary(userID: userID, on: conn)
            let last = try conn.query("SELECT coalesce(max(id), 0) FROM journal_events WHERE user_id = $1", [userID]).first?.int(0) ?? 0
            return Scope(boundary: boundary, today: boundary.day(at: now), lastEvent: last)
        }
    }

    /// The owner's insights over `range` as of `scope`: one connection, five statements.
    func gather(userID: String, range: InsightsRange, scope: Scope) throws -> Gathered {
        try database.withConnection { conn in
            let today = scope.today
            let start = try conn.query("SELECT min(day)::text FROM journal_days WHERE user_id = $1", [userID]).first?[0]
            let first = range.firstDay(today: today, journalStart: start.flatMap(LocalDate.init(iso:)))
            let bucket = InsightsBucket.fitting(from: first, through: today)
            let zone = scope.boundary.zone.identifier
            // A range is every day from `first` on (a session of a later day, after the owner
            // moved west, still counts). Sessions are also looked for from two days before the
            // first day began, which the owner index can seek to: a session's day was decided by
            // the boundary of its time, which a change of zone or reset time moves by less.
            let from: String? = range == .all ? nil : first.iso
            let since = range == .all ? "-infinity" : String(scope.boundary.start(of: first).timeIntervalSince1970 - 2 * 86_400)
            let sessions = try conn.query(Self.sessionGroups, [userID, from, bucket.rawValue, since]).compactMap { row -> SessionGroup? in
                guard let day = LocalDate(iso: row.string(0)) else { return nil }
                return SessionGroup(
                    bucket: day, intent: IntentCategory(rawValue: row.string(1)) ?? .other, status: JournalSessionStatus(stored: row.string(2)),
                    paused: row.bool(3), count: row.int(4), focusedSeconds: row.int(5))
            }
            var focus = Array(repeating: Array(repeating: 0, count: 24), count: 7)
            for row in try conn.query(Self.focusHours, [userID, from, zone, since]) {
                let (weekday, hour) = (row.int(0), row.int(1))
                if (1...7).contains(weekday), (0..<24).contains(hour) { focus[weekday - 1][hour] = max(0, row.int(2)) }
            }
            let interruptionRows =
                range == .all
                ? try conn.query(Self.allInterruptionGroups, [userID, zone])
                : try conn.query(Self.interruptionGroups, [userID, from, zone, since])
            let interruptions = interruptionRows.map {
                InterruptionGroup(category: InterruptionCategory(rawValue: $0.string(0)) ?? .other, hour: $0.int(1), count: $0.int(2))
            }
            let breakRows =
                range == .all ? try conn.query(Self.allBreakGroups, [userID]) : try conn.query(Self.breakGroups, [userID, from, since])
            let breaks = breakRows.map {
                BreakGroup(activity: $0[0].flatMap(BreakActivity.init(rawValue:)), count: $0.int(1), ended: $0.int(2), minutes: $0.int(3))
            }
            return Gathered(
                range: range, boundary: scope.boundary, today: today, first: first, bucket: bucket, sessions: sessions, focus: focus,
                interruptions: interruptions, breaks: breaks)
        }
    }

    // The statements' parameters: $1 the owner; $2 the first day (null for all); the unit or the
    // zone; $4 (or $3) seconds since 1970 from which sessions are looked for ('-infinity' for all).

    /// Sessions by bucket (`date_trunc` unit $3 over the journal day), intent, status and whether
    /// they were paused: count and focused seconds.
    static let sessionGroups = """
        SELECT date_trunc($3::text, d.day::timestamp)::date::text, s.intent_category, s.status, s.interruption_count > 0,
               count(*), sum(s.focused_seconds)
        FROM journal_sessions s JOIN journal_days d ON d.id = s.day_id
        WHERE s.user_id = $1 AND s.started_at >= to_timestamp($4::float8) AND d.user_id = $1
            AND ($2::date IS NULL OR d.day >= $2::date)
        GROUP BY 1, 2, 3, 4
        """

    /// Focused seconds by ISO weekday and hour on the wall clock of zone $3, over the sessions
    /// that ended: each session's span counts, each of its pauses counts against it. A span is
    /// cut at the hours: the part in the hour it starts in, the part in the hour it ends in, and
    /// (rarely: a pomodoro is shorter than an hour) the whole hours between, the only rows that
    /// need a series.
    static let focusHours = """
        WITH s AS (
            SELECT s.id, s.started_at, s.ended_at
            FROM journal_sessions s JOIN journal_days d ON d.id = s.day_id
            WHERE s.user_id = $1 AND s.started_at >= to_timestamp($4::float8) AND d.user_id = $1
                AND ($2::date IS NULL OR d.day >= $2::date) AND s.ended_at > s.started_at),
        spans AS (
            SELECT a, b, sign, date_trunc('hour', a) AS ha, date_trunc('hour', b) AS hb
            FROM (
                SELECT started_at AT TIME ZONE $3 AS a, ended_at AT TIME ZONE $3 AS b, 1 AS sign FROM s
                UNION ALL
                SELECT i.occurred_at AT TIME ZONE $3, i.resumed_at AT TIME ZONE $3, -1
                FROM journal_interruptions i JOIN s ON s.id = i.session_id
                WHERE i.user_id = $1 AND i.resumed_at > i.occurred_at) t),
        pieces AS (
            SELECT ha AS h, sign * extract(epoch FROM least(b, ha + interval '1 hour') - a) AS seconds FROM spans
            UNION ALL
            SELECT hb, sign * extract(epoch FROM b - hb) FROM spans WHERE hb > ha
            UNION ALL
            SELECT h, sign * 3600
            FROM spans, generate_series(ha + interval '1 hour', hb - interval '1 hour', interval '1 hour') AS h
            WHERE hb > ha + interval '1 hour')
        SELECT extract(isodow FROM h)::int, extract(hour FROM h)::int, round(sum(seconds))::bigint
        FROM pieces
        GROUP BY 1, 2
        """

    /// Interruptions by category and hour of the day on the wall clock of zone $3, counted with
    /// their session's day.
    static let interruptionGroups = """
        SELECT i.category, extract(hour FROM i.occurred_at AT TIME ZONE $3)::int, count(*)
        FROM journal_sessions s JOIN journal_days d ON d.id = s.day_id JOIN journal_interruptions i ON i.session_id = s.id
        WHERE s.user_id = $1 AND s.started_at >= to_timestamp($4::float8) AND d.user_id = $1 AND d.day >= $2::date
            AND i.user_id = $1
        GROUP BY 1, 2
        """

    /// The same over all days (zone $2): the interruptions alone.
    static let allInterruptionGroups = """
        SELECT category, extract(hour FROM occurred_at AT TIME ZONE $2)::int, count(*)
        FROM journal_interruptions WHERE user_id = $1
        GROUP BY 1, 2
        """

    /// Breaks by activity: how many, how many ended, and their minutes; counted with their
    /// session's day.
    static let breakGroups = """
        SELECT b.activity_category, count(*), count(b.ended_at), coalesce(sum(b.duration_minutes), 0)
        FROM journal_sessions s JOIN journal_days d ON d.id = s.day_id JOIN journal_breaks b ON b.session_id = s.id
        WHERE s.user_id = $1 AND s.started_at >= to_timestamp($3::float8) AND d.user_id = $1 AND d.day >= $2::date
            AND b.user_id = $1
        GROUP BY 1
        """

    /// The same over all days: the breaks alone.
    static let allBreakGroups = """
        SELECT activity_category, count(*), count(ended_at), coalesce(sum(duration_minutes), 0)
        FROM journal_breaks WHERE user_id = $1
        GROUP BY 1
        """
}
