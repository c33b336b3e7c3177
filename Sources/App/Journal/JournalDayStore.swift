import Domain
import Foundation
import Postgres

/// SQL for the journal's day list (`GET /journal`): a page of days, newest first, found from a
/// day onwards by the (user_id, day) key, then those days' sessions, interruptions and breaks with
/// their voice notes, by the days' and sessions' ids. Four reads a page, however long the journal.
enum JournalDayStore {
    struct Day: Sendable {
        let id: String
        let date: LocalDate
        let total: Int
        let completed: Int
        let endedEarly: Int
    }

    struct Session: Sendable {
        let id: String
        let dayID: String
        let startedAt: Double
        let endedAt: Double?
        let status: JournalSessionStatus
        let intent: IntentCategory
        let minutes: Int?
        let place: JournalPlace
        let roomCode: String?
        let note: JournalNote?
    }

    struct Interruption: Sendable {
        let id: String
        let sessionID: String
        let occurredAt: Double
        let resumedAt: Double?
        let category: InterruptionCategory
        let source: JournalSource
        let note: JournalNote?
    }

    struct Break: Sendable {
        let id: String
        let sessionID: String
        let startedAt: Double
        let endedAt: Double?
        let minutes: Int?
        let activity: BreakActivity?
        let source: JournalSource
        let note: JournalNote?
    }

    /// Which days: the newest, those before a day (older), or those after one (newer).
    enum Window: Sendable, Equatable {
        case newest
        case before(LocalDate)
        case after(LocalDate)
    }

    private static let daysBefore = """
        SELECT id, day::text, total_pomodoros, completed_pomodoros, interrupted_pomodoros FROM journal_days
        WHERE user_id = $1 AND day < $2::date ORDER BY day DESC LIMIT $3
        """
    private static let daysAfter = """
        SELECT id, day::text, total_pomodoros, completed_pomodoros, interrupted_pomodoros FROM journal_days
        WHERE user_id = $1 AND day > $2::date ORDER BY day ASC LIMIT $3
        """

    /// Up to `limit` days of the window, newest first, and whether more lie beyond them (in the
    /// window's direction).
    static func days(userID: String, _ window: Window, limit: Int, on conn: PostgresConnection) throws -> (days: [Day], more: Bool) {
        let rows: PostgresRows
        switch window {
        case .newest: rows = try conn.query(daysBefore, [userID, "infinity", limit + 1])
        case .before(let day): rows = try conn.query(daysBefore, [userID, day.iso, limit + 1])
        case .after(let day): rows = try conn.query(daysAfter, [userID, day.iso, limit + 1])
        }
        var days = rows.prefix(limit).map { row in
            Day(
                id: row.string(0), date: LocalDate(iso: row.string(1)) ?? LocalDate(dayNumber: 0), total: row.int(2),
                completed: row.int(3), endedEarly: row.int(4))
        }
        if case .after = window { days.reverse() }
        return (days, rows.count > limit)
    }

    /// Whether the owner has any day before `day` / after `day` (the links the other way).
    static func hasDay(userID: String, before day: LocalDate, on conn: PostgresConnection) throws -> Bool {
        try conn.query("SELECT 1 FROM journal_days WHERE user_id = $1 AND day < $2::date LIMIT 1", [userID, day.iso]).first != nil
    }

    static func hasDay(userID: String, after day: LocalDate, on conn: PostgresConnection) throws -> Bool {
        try conn.query("SELECT 1 FROM journal_days WHERE user_id = $1 AND day > $2::date LIMIT 1", [userID, day.iso]).first != nil
    }

    private static func note(_ row: PostgresRow, from i: Int) -> JournalNote? {
        JournalNote(id: row[i], durationSeconds: row[i + 1], status: row[i + 2], transcript: row[i + 3], source: row[i + 4])
    }

    private static let sessionColumns = """
        SELECT s.id, s.day_id, extract(epoch FROM s.started_at)::float8, extract(epoch FROM s.ended_at)::float8, s.status,
               s.intent_category, s.duration_minutes, s.place, s.room_code,\u{20}
        """

    private static let sessionsStatement =
        sessionColumns + JournalNote.columns
            + """
             FROM journal_sessions s LEFT JOIN audio_assets a ON a.id = s.intent_audio_id
            WHERE s.user_id = $1 AND s.day_id = ANY($2::uuid[]) ORDER BY s.started_at
            """

    private static func session(_ row: PostgresRow) -> Session {
        Session(
            id: row.string(0), dayID: row.string(1), startedAt: Double(row.string(2)) ?? 0, endedAt: row[3].flatMap(Double.init),
            status: JournalSessionStatus(stored: row.string(4)), intent: IntentCategory(rawValue: row.string(5)) ?? .other,
            minutes: row[6].flatMap(Int.init), place: JournalPlace(stored: row.string(7)), roomCode: row[8], note: note(row, from: 9))
    }

    /// The sessions of days `dayIDs`, in the order they started.
    static func sessions(userID: String, dayIDs: [String], on conn: PostgresConnection) throws -> [Session] {
        guard !dayIDs.isEmpty else { return [] }
        return try conn.query(sessionsStatement, [userID, PostgresArray.text(dayIDs)]).map(session)
    }

    private static let sessionStatement =
        sessionColumns + JournalNote.columns
            + """
             FROM journal_sessions s LEFT JOIN audio_assets a ON a.id = s.intent_audio_id
            WHERE s.user_id = $1 AND s.id = $2
            """

    private static let dayStatement = """
        SELECT id, day::text, total_pomodoros, completed_pomodoros, interrupted_pomodoros FROM journal_days
        WHERE user_id = $1 AND id = $2
        """

    /// The owner's session `id` and its day; nil when absent or someone else's (`id` must pass
    /// `JournalEvent.isID` first).
    static func session(userID: String, id: String, on conn: PostgresConnection) throws -> (day: Day, session: Session)? {
        guard let found = try conn.query(sessionStatement, [userID, id]).first.map(session),
            let row = try conn.query(dayStatement, [userID, found.dayID]).first
        else { return nil }
        let day = Day(
            id: row.string(0), date: LocalDate(iso: row.string(1)) ?? LocalDate(dayNumber: 0), total: row.int(2),
            completed: row.int(3), endedEarly: row.int(4))
        return (day, found)
    }

    private static let interruptionsStatement =
        """
        SELECT i.id, i.session_id, extract(epoch FROM i.occurred_at)::float8, extract(epoch FROM i.resumed_at)::float8,
               i.category, i.source,\u{20}
        """ + JournalNote.columns
            + """
             FROM journal_interruptions i LEFT JOIN audio_assets a ON a.id = i.audio_id
            WHERE i.user_id = $1 AND i.session_id = ANY($2::uuid[]) ORDER BY i.occurred_at
            """

    /// The interruptions of sessions `sessionIDs`, in the order they happened.
    static func interruptions(userID: String, sessionIDs: [String], on conn: PostgresConnection) throws -> [Interruption] {
        guard !sessionIDs.isEmpty else { return [] }
        return try conn.query(interruptionsStatement, [userID, PostgresArray.text(sessionIDs)]).map { row in
            Interruption(
                id: row.string(0), sessionID: row.string(1), occurredAt: Double(row.string(2)) ?? 0,
                resumedAt: row[3].flatMap(Double.init), category: InterruptionCategory(rawValue: row.string(4)) ?? .other,
                source: JournalSource(stored: row.string(5)), note: note(row, from: 6))
        }
    }

    private static let breaksStatement =
        """
        SELECT b.id, b.session_id, extract(epoch FROM b.started_at)::float8, extract(epoch FROM b.ended_at)::float8,
               b.duration_minutes, b.activity_category, b.source,\u{20}
        """ + JournalNote.columns
            + """
             FROM journal_breaks b LEFT JOIN audio_assets a ON a.id = b.audio_id
            WHERE b.user_id = $1 AND b.session_id = ANY($2::uuid[]) ORDER BY b.started_at
            """

    /// The breaks after sessions `sessionIDs`.
    static func breaks(userID: String, sessionIDs: [String], on conn: PostgresConnection) throws -> [Break] {
        guard !sessionIDs.isEmpty else { return [] }
        return try conn.query(breaksStatement, [userID, PostgresArray.text(sessionIDs)]).map { row in
            Break(
                id: row.string(0), sessionID: row.string(1), startedAt: Double(row.string(2)) ?? 0, endedAt: row[3].flatMap(Double.init),
                minutes: row[4].flatMap(Int.init), activity: row[5].flatMap(BreakActivity.init(rawValue:)),
                source: JournalSource(stored: row.string(6)), note: note(row, from: 7))
        }
    }
}
