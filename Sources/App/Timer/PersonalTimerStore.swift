import Domain
import Foundation
import Postgres

/// SQL for `personal_timers`: finding, locking and creating a person's timer, adopting a
/// guest's at sign-in, and the version every change adds to.
enum PersonalTimerStore {
    /// The timer's columns (`PersonalTimer.columns`) with the zone in force, for a WHERE to follow.
    private static let select = "SELECT " + PersonalTimer.columns + " FROM personal_timers t LEFT JOIN users u ON u.id = t.user_id "

    /// The statements that find an owner's timer, one fixed text per kind of owner.
    private struct OwnerStatements {
        let find: String
        let lock: String
        let insert: String
    }
    private static let userStatements = OwnerStatements(
        find: select + "WHERE t.user_id = $1", lock: select + "WHERE t.user_id = $1 FOR UPDATE OF t",
        insert: "INSERT INTO personal_timers (user_id, last_activity_at) VALUES ($1, to_timestamp($2)) ON CONFLICT DO NOTHING")
    private static let guestStatements = OwnerStatements(
        find: select + "WHERE t.session_hash = $1", lock: select + "WHERE t.session_hash = $1 FOR UPDATE OF t",
        insert: "INSERT INTO personal_timers (session_hash, last_activity_at) VALUES ($1, to_timestamp($2)) ON CONFLICT DO NOTHING")
    private static let findByID = select + "WHERE t.id = $1"
    private static let lockByID = select + "WHERE t.id = $1 FOR UPDATE OF t"

    private static func statements(_ owner: PersonalTimerOwner) -> (OwnerStatements, any PostgresBindable) {
        switch owner {
        case .user(let id): return (userStatements, id)
        case .guest(let hash): return (guestStatements, ByteA(hash))
        }
    }

    /// The owner's timer as it is, without a lock (pages and GET); nil when they have none yet.
    static func find(_ owner: PersonalTimerOwner, on conn: PostgresConnection) throws -> PersonalTimer? {
        let (sql, value) = statements(owner)
        return try conn.query(sql.find, [value]).first.map(PersonalTimer.init(row:))
    }

    /// The owner's timer, row locked for the caller's transaction, created (with its daily-reset
    /// task) when missing. A guest's session row must exist first (`SessionStore.touch`).
    static func lock(_ owner: PersonalTimerOwner, now: Date, on conn: PostgresConnection) throws -> PersonalTimer {
        let (sql, value) = statements(owner)
        if let row = try conn.query(sql.lock, [value]).first {
            return PersonalTimer(row: row)
        }
        // Two first requests at once: one inserts, the other finds it under the lock.
        try conn.query(sql.insert, [value, String(now.timeIntervalSince1970)])
        var timer = PersonalTimer(row: try conn.query(sql.lock, [value]).first!)
        if timer.version == 1, timer.lastDailyReset == nil {
            // A new timer's day is the owner's local day now.
            timer.countDay = timer.boundary.day(at: now)
            try conn.query("UPDATE personal_timers SET count_day = $2::date WHERE id = $1", [timer.id, timer.countDay.iso])
            try DailyReset.reschedule(timer, on: conn)
        }
        return timer
    }

    /// The timer by id, locked (the sweeper's way in); nil when it was deleted meanwhile.
    static func lock(id: String, on conn: PostgresConnection) throws -> PersonalTimer? {
        try conn.query(lockByID, [id]).first.map(PersonalTimer.init(row:))
    }

    /// The timer by id as it is (the live channel's snapshot); nil when it was deleted.
    static func find(id: String, on conn: PostgresConnection) throws -> PersonalTimer? {
        try conn.query(findByID, [id]).first.map(PersonalTimer.init(row:))
    }

    /// The versions of these timers (the live hub's re-read when Redis wake-ups were missed).
    static func versions(_ ids: [String], on conn: PostgresConnection) throws -> [String: Int] {
        let valid = ids.filter { UUID(uuidString: $0) != nil }
        guard !valid.isEmpty else { return [:] }
        let rows = try conn.query(
            "SELECT id, version FROM personal_timers WHERE id = ANY($1::uuid[])", ["{" + valid.joined(separator: ",") + "}"])
        return Dictionary(rows.map { ($0.string(0), $0.int(1)) }, uniquingKeysWith: max)
    }

    private static let lockDueStatement =
        select + "WHERE t.status = 'running' AND t.segment_ends_at <= to_timestamp($1) "
        + "ORDER BY t.segment_ends_at LIMIT $2 FOR UPDATE OF t SKIP LOCKED"

    /// Running timers whose segment ended by `now`, oldest end first, locked; rows another
    /// responder holds are skipped (the sweeper: personal_timers_due_idx).
    static func lockDue(now: Date, limit: Int, on conn: PostgresConnection) throws -> [PersonalTimer] {
        try conn.query(lockDueStatement, [String(now.timeIntervalSince1970), limit]).map(PersonalTimer.init(row:))
    }

    /// Writes the clock (`PersonalTimer.clock`) as `TimerCycle` left it.
    static func saveClock(_ timer: PersonalTimer, on conn: PostgresConnection) throws {
        func epoch(_ date: Date?) -> String? { date.map { String($0.timeIntervalSince1970) } }
        try conn.query(
            """
            UPDATE personal_timers SET phase = $2, status = $3, segment_seconds = $4, segment_ends_at = to_timestamp($5::float8),
                   paused_remaining_ms = $6, cycle_done = $7, last_activity_at = to_timestamp($8::float8), accounted_ms = $9,
                   stopped_at = to_timestamp($10::float8)
            WHERE id = $1
            """,
            [
                timer.id, timer.phase.rawValue, timer.status.rawValue, timer.segmentSeconds, epoch(timer.segmentEndsAt),
                timer.pausedRemainingMs, timer.cycleDone, epoch(timer.lastActivityAt), timer.accountedMs, epoch(timer.stoppedAt),
            ])
    }

    /// One more session in today's count (the seed caps it at 1000); returns the new count.
    static func countSession(_ id: String, on conn: PostgresConnection) throws -> Int {
        try conn.query(
            "UPDATE personal_timers SET today_count = least(1000, today_count + 1) WHERE id = $1 RETURNING today_count", [id]
        ).first!.int(0)
    }

    /// Adds one to the timer's version and returns it: call once per transaction that changed
    /// the timer, then announce `(timer.channel, version)` after the commit.
    static func bump(_ id: String, on conn: PostgresConnection) throws -> Int {
        try conn.query(
            "UPDATE personal_timers SET version = version + 1, updated_at = now() WHERE id = $1 RETURNING version", [id]
        ).first!.int(0)
    }

    /// `bump` for many timers in one statement: their new versions by id.
    static func bump(ids: [String], on conn: PostgresConnection) throws -> [(id: String, version: Int)] {
        guard !ids.isEmpty else { return [] }
        return try conn.query(
            "UPDATE personal_timers SET version = version + 1, updated_at = now() WHERE id = ANY($1::uuid[]) RETURNING id, version",
            [PostgresArray.text(ids)]
        ).map { ($0.string(0), $0.int(1)) }
    }

    private static let claimDueResetsStatement =
        "SELECT " + PersonalTimer.columns + """

            FROM scheduled_tasks st JOIN personal_timers t ON t.id = st.timer_id LEFT JOIN users u ON u.id = t.user_id
            WHERE st.is_active AND st.task_type = 'daily_reset' AND st.next_execution_at <= to_timestamp($1)
              AND st.next_execution_at >= coalesce(to_timestamp($3), '-infinity')
            ORDER BY st.next_execution_at LIMIT $2
            FOR UPDATE OF st, t SKIP LOCKED
            """

    /// The timers whose daily reset is due at `now`, each with its task, both rows locked for
    /// the caller's transaction: at most `limit`, soonest due first, skipping rows another
    /// responder (or a request) holds, so each reset is taken by one sweeper exactly once.
    /// `dueSince` leaves out tasks due before it (see `DailyResetJobs.testClockHorizon`).
    static func claimDueResets(now: Date, dueSince: Date?, limit: Int, on conn: PostgresConnection) throws -> [PersonalTimer] {
        try conn.query(
            claimDueResetsStatement, [String(now.timeIntervalSince1970), limit, dueSince.map { String($0.timeIntervalSince1970) }]
        ).map(PersonalTimer.init(row:))
    }

    /// At sign-up or sign-in: a guest session's timer becomes the account's, unless the account
    /// already has one (then the guest's is dropped with its session). Nothing needs waking: the
    /// timer is found by its new owner from then on.
    static func adopt(sessionHash: [UInt8], userID: String, on conn: PostgresConnection) throws {
        try conn.query(
            """
            UPDATE personal_timers SET user_id = $2, session_hash = NULL, version = version + 1
            WHERE session_hash = $1 AND NOT EXISTS (SELECT 1 FROM personal_timers WHERE user_id = $2)
            """, [ByteA(sessionHash), userID])
    }

    /// The personal timers' sweeper backlog for `/metrics` (personal_timers_due_idx): segments
    /// ended but not yet moved on, those still running, and how late the oldest due one is.
    static func sweepBacklog(on conn: PostgresConnection) throws -> QueueDepth {
        QueueDepth(
            row: try conn.query(
                """
                SELECT count(*) FILTER (WHERE segment_ends_at <= now()), count(*) FILTER (WHERE segment_ends_at > now()),
                       coalesce(extract(epoch FROM now() - min(segment_ends_at) FILTER (WHERE segment_ends_at <= now())), 0)::float8
                FROM personal_timers WHERE status = 'running'
                """
            ).first)
    }

    /// Daily resets for `/metrics` (scheduled_tasks_due_idx): due and not yet done, scheduled
    /// later, and how late the oldest due one is.
    static func resetBacklog(on conn: PostgresConnection) throws -> QueueDepth {
        QueueDepth(
            row: try conn.query(
                """
                SELECT count(*) FILTER (WHERE next_execution_at <= now()), count(*) FILTER (WHERE next_execution_at > now()),
                       coalesce(extract(epoch FROM now() - min(next_execution_at) FILTER (WHERE next_execution_at <= now())), 0)::float8
                FROM scheduled_tasks WHERE is_active
                """
            ).first)
    }
}
