import Domain
import Foundation
import Postgres

/// What the journal's flow reads: the owner's lock, a session, interruption or break by id (always
/// with the owner, so someone else's id reads exactly like a missing one), the session still
/// open, the break under way, and what the panels show of them. Writes go through `JournalLog`.
enum JournalStore {
    /// A session as the flow sees it.
    struct Session: Sendable, Equatable {
        let id: String
        let status: JournalSessionStatus
        let place: JournalPlace
        let roomCode: String?
        let intent: IntentCategory
    }

    /// An interruption and the session it paused.
    struct Interruption: Sendable, Equatable {
        let id: String
        let sessionID: String
        let category: InterruptionCategory
        let place: JournalPlace
        let roomCode: String?
    }

    /// A break and where its session was kept.
    struct Break: Sendable, Equatable {
        let id: String
        let sessionID: String
        let ended: Bool
        let activity: BreakActivity?
        let place: JournalPlace
        let roomCode: String?
    }

    /// Serialises one owner's steps (two tabs pausing and completing at once take turns, and
    /// two starts cannot both find nothing open). NO KEY UPDATE leaves inserts that only check
    /// the row's key alone; a rebuild's FOR UPDATE still waits for it, and it for the rebuild.
    static func lockOwner(_ userID: String, on conn: PostgresConnection) throws {
        try conn.query("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE", [userID])
    }

    /// `lockOwner` for the timers' sweeper: false (and nothing locked) when someone else holds the
    /// owner (a rebuild replaying their journal, a step of theirs), so one owner never holds up a
    /// whole batch of timers; theirs is swept on a later tick.
    static func tryLockOwner(_ userID: String, on conn: PostgresConnection) throws -> Bool {
        try conn.query("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE SKIP LOCKED", [userID]).first != nil
    }

    private static let sessionColumns = "s.id, s.status, s.place, s.room_code, s.intent_category"

    private static func session(_ row: PostgresRow) -> Session {
        Session(
            id: row.string(0), status: JournalSessionStatus(stored: row.string(1)), place: JournalPlace(stored: row.string(2)),
            roomCode: row[3], intent: IntentCategory(rawValue: row.string(4)) ?? .other)
    }

    private static let sessionByID = "SELECT " + sessionColumns + " FROM journal_sessions s WHERE s.user_id = $1 AND s.id = $2"

    /// The owner's session `id`; nil when it is absent or someone else's. `id` must pass
    /// `JournalEvent.isID` first.
    static func session(userID: String, id: String, on conn: PostgresConnection) throws -> Session? {
        try conn.query(sessionByID, [userID, id]).first.map(session)
    }

    private static let openSessionStatement =
        "SELECT " + sessionColumns + " FROM journal_sessions s WHERE s.user_id = $1 AND s.status IN ($2, $3)"

    /// The owner's session still open (running or paused): at most one (a unique index says so).
    static func openSession(userID: String, on conn: PostgresConnection) throws -> Session? {
        try conn.query(
            openSessionStatement, [userID, JournalSessionStatus.running.rawValue, JournalSessionStatus.interrupted.rawValue]
        ).first.map(session)
    }

    /// The pause under way of session `sessionID` (not resumed yet), if any.
    static func openInterruption(userID: String, sessionID: String, on conn: PostgresConnection) throws -> String? {
        try conn.query(
            """
            SELECT id FROM journal_interruptions WHERE user_id = $1 AND session_id = $2 AND resumed_at IS NULL
            ORDER BY occurred_at DESC LIMIT 1
            """, [userID, sessionID]
        ).first?.string(0)
    }

    /// The owner's interruption `id`; nil when absent or someone else's.
    static func interruption(userID: String, id: String, on conn: PostgresConnection) throws -> Interruption? {
        try conn.query(
            """
            SELECT i.id, i.session_id, i.category, s.place, s.room_code
            FROM journal_interruptions i JOIN journal_sessions s ON s.id = i.session_id
            WHERE i.user_id = $1 AND i.id = $2
            """, [userID, id]
        ).first.map { row in
            Interruption(
                id: row.string(0), sessionID: row.string(1), category: InterruptionCategory(rawValue: row.string(2)) ?? .other,
                place: JournalPlace(stored: row.string(3)), roomCode: row[4])
        }
    }

    private static let breakColumns = "b.id, b.session_id, b.ended_at IS NOT NULL, b.activity_category, s.place, s.room_code"

    private static func breakRow(_ row: PostgresRow) -> Break {
        Break(
            id: row.string(0), sessionID: row.string(1), ended: row.bool(2), activity: row[3].flatMap(BreakActivity.init(rawValue:)),
            place: JournalPlace(stored: row.string(4)), roomCode: row[5])
    }

    private static let breakByID =
        "SELECT " + breakColumns + " FROM journal_breaks b JOIN journal_sessions s ON s.id = b.session_id WHERE b.user_id = $1 AND b.id = $2"

    /// The owner's break `id`; nil when absent or someone else's.
    static func breakSession(userID: String, id: String, on conn: PostgresConnection) throws -> Break? {
        try conn.query(breakByID, [userID, id]).first.map(breakRow)
    }

    private static let openBreakStatement =
        "SELECT " + breakColumns + """
             FROM journal_breaks b JOIN journal_sessions s ON s.id = b.session_id
            WHERE b.user_id = $1 AND b.ended_at IS NULL ORDER BY b.started_at DESC LIMIT 1
            """

    /// The owner's break under way (a session's start ends the one before, so there is one at most).
    static func openBreak(userID: String, on conn: PostgresConnection) throws -> Break? {
        try conn.query(openBreakStatement, [userID]).first.map(breakRow)
    }

    private static let latestStatement =
        "SELECT " + sessionColumns + """
            , coalesce((SELECT b.ended_at IS NULL OR b.ended_at >= to_timestamp($2) - interval '1 second'
                        FROM journal_breaks b WHERE b.session_id = s.id), false)
            FROM journal_sessions s WHERE s.user_id = $1 ORDER BY s.started_at DESC LIMIT 1
            """

    /// The owner's latest session, and whether its break was still under way at `at` (open, or
    /// ended by the timer at that very instant): what a focus that starts by itself carries on.
    static func latest(userID: String, at: Date, on conn: PostgresConnection) throws -> (session: Session, breakUnderWay: Bool)? {
        try conn.query(latestStatement, [userID, String(at.timeIntervalSince1970)]).first.map { (session($0), $0.bool(5)) }
    }

    // MARK: What the panels show

    private static let panelSessionStatement =
        "SELECT " + sessionColumns + ", extract(epoch FROM s.started_at)::float8, s.interruption_count, " + JournalNote.columns
            + """
             FROM journal_sessions s LEFT JOIN audio_assets a ON a.id = s.intent_audio_id
            WHERE s.user_id = $1 AND s.status IN ($2, $3)
            """

    private static let panelPauseStatement =
        "SELECT i.id, i.category, extract(epoch FROM i.occurred_at)::float8, " + JournalNote.columns
            + """
             FROM journal_interruptions i LEFT JOIN audio_assets a ON a.id = i.audio_id
            WHERE i.user_id = $1 AND i.session_id = $2 AND i.resumed_at IS NULL ORDER BY i.occurred_at DESC LIMIT 1
            """

    private static let panelBreakStatement =
        "SELECT " + breakColumns + ", s.intent_category, extract(epoch FROM b.started_at)::float8, " + JournalNote.columns
            + """
             FROM journal_breaks b JOIN journal_sessions s ON s.id = b.session_id LEFT JOIN audio_assets a ON a.id = b.audio_id
            WHERE b.user_id = $1 AND b.ended_at IS NULL ORDER BY b.started_at DESC LIMIT 1
            """

    private static let lastIntentStatement =
        "SELECT intent_category FROM journal_sessions WHERE user_id = $1 ORDER BY started_at DESC LIMIT 1"

    private static func note(_ row: PostgresRow, from i: Int) -> JournalNote? {
        JournalNote(id: row[i], durationSeconds: row[i + 1], status: row[i + 2], transcript: row[i + 3], source: row[i + 4])
    }

    private static func date(_ text: String?) -> Date { Date(timeIntervalSince1970: text.flatMap(Double.init) ?? 0) }

    /// What the owner's journal has under way: the open session (and its pause), or the break
    /// after the last one, and the intent to offer first next time. At most four reads.
    static func panel(userID: String, on conn: PostgresConnection) throws -> JournalPanel {
        var panel = JournalPanel()
        if let row = try conn.query(
            panelSessionStatement, [userID, JournalSessionStatus.running.rawValue, JournalSessionStatus.interrupted.rawValue]
        ).first {
            var open = JournalPanel.Open(
                session: session(row), startedAt: date(row[5]), interruptionCount: row.int(6), note: note(row, from: 7))
            if open.session.status == .interrupted, let pause = try conn.query(panelPauseStatement, [userID, open.session.id]).first {
                open.pause = JournalPanel.Pause(
                    id: pause.string(0), category: InterruptionCategory(rawValue: pause.string(1)) ?? .other,
                    occurredAt: date(pause[2]), note: note(pause, from: 3))
            }
            panel.open = open
        } else if let row = try conn.query(panelBreakStatement, [userID]).first {
            panel.breakUnderWay = JournalPanel.BreakUnderWay(
                breakSession: breakRow(row), intent: IntentCategory(rawValue: row.string(6)) ?? .other, startedAt: date(row[7]),
                note: note(row, from: 8))
        }
        panel.lastIntent = try conn.query(lastIntentStatement, [userID]).first.flatMap { IntentCategory(rawValue: $0.string(0)) }
        return panel
    }
}
