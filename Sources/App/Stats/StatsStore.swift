import Foundation
import Postgres
import Redis

/// Daily statistics and the clean-up that feeds them. Expired rooms are folded into
/// `daily_statistics` and deleted in the same transaction, batch by batch, with the rooms
/// locked and locked ones skipped: a room is counted exactly once however many clean-ups run,
/// at once or one after another.
public struct StatsStore {
    let database: PostgresPool

    public init(database: PostgresPool) { self.database = database }

    public struct Summary: Sendable, Equatable {
        public var rooms = 0
        public var participants = 0
        public var sessions = 0
        public var focusSeconds = 0
    }

    struct Day: Sendable {
        let day: String
        let roomsCreated: Int
        let participants: Int
        let sessions: Int
        let focusSeconds: Int
    }

    /// Folds and deletes every expired room, `batch` rooms per transaction, then clears their
    /// Redis mirror keys.
    public func cleanExpiredRooms(batch: Int = 500, redis: RedisPool?) throws -> Summary {
        var total = Summary()
        while true {
            let (summary, ids) = try cleanBatch(limit: batch)
            if ids.isEmpty { break }
            total.rooms += summary.rooms
            total.participants += summary.participants
            total.sessions += summary.sessions
            total.focusSeconds += summary.focusSeconds
            if let redis {
                // The mirror keys also expire on their own, so a failure here is harmless.
                for start in stride(from: 0, to: ids.count, by: 200) {
                    let slice = ids[start..<min(start + 200, ids.count)]
                    _ = try? redis.command(["DEL"] + slice.flatMap { ["room:timer:\($0)", "room:presence:\($0)"] })
                }
            }
        }
        // A day's sessions can only be seen again while a room created that day still exists.
        try database.query(
            """
            DELETE FROM daily_session_seen
            WHERE day < (coalesce((SELECT min(created_at) FROM rooms), now()) AT TIME ZONE 'UTC')::date
            """)
        return total
    }

    private func cleanBatch(limit: Int) throws -> (Summary, [String]) {
        try database.transaction { conn in
            let ids = try conn.query(
                """
                SELECT id::text FROM rooms WHERE expires_at <= now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED
                """, [limit]
            ).map { $0.string(0) }
            guard !ids.isEmpty else { return (Summary(), []) }
            let array = "{" + ids.joined(separator: ",") + "}"
            var summary = Summary()
            summary.rooms = ids.count
            // Every figure of the batch, per UTC day, added to the day's row in one statement. A
            // session is counted on a day only the first time any cleaned room shows it there.
            let row = try conn.query(
                """
                WITH created AS (
                    SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n FROM rooms
                    WHERE id = ANY($1::uuid[]) GROUP BY 1),
                seats AS MATERIALIZED (
                    SELECT (joined_at AT TIME ZONE 'UTC')::date AS day, session_hash FROM participants
                    WHERE room_id = ANY($1::uuid[])),
                joined AS (SELECT day, count(*) AS n FROM seats GROUP BY 1),
                seen AS (
                    INSERT INTO daily_session_seen (day, session_hash)
                    SELECT DISTINCT day, session_hash FROM seats
                    ON CONFLICT DO NOTHING RETURNING day),
                sessions AS (SELECT day, count(*) AS n FROM seen GROUP BY 1),
                focus AS (
                    SELECT (completed_at AT TIME ZONE 'UTC')::date AS day, sum(seconds) AS n FROM focus_completions
                    WHERE room_id = ANY($1::uuid[]) GROUP BY 1),
                days AS (
                    SELECT day FROM created UNION SELECT day FROM joined UNION SELECT day FROM sessions
                    UNION SELECT day FROM focus),
                added AS (
                    INSERT INTO daily_statistics (day, rooms_created, total_participants, total_sessions, total_focus_seconds)
                    SELECT d.day, coalesce(c.n, 0), coalesce(j.n, 0), coalesce(s.n, 0), coalesce(f.n, 0)
                    FROM days d LEFT JOIN created c USING (day) LEFT JOIN joined j USING (day)
                         LEFT JOIN sessions s USING (day) LEFT JOIN focus f USING (day)
                    ON CONFLICT (day) DO UPDATE SET
                        rooms_created = daily_statistics.rooms_created + EXCLUDED.rooms_created,
                        total_participants = daily_statistics.total_participants + EXCLUDED.total_participants,
                        total_sessions = daily_statistics.total_sessions + EXCLUDED.total_sessions,
                        total_focus_seconds = daily_statistics.total_focus_seconds + EXCLUDED.total_focus_seconds
                    RETURNING 1)
                SELECT (SELECT coalesce(sum(n), 0) FROM joined)::bigint, (SELECT coalesce(sum(n), 0) FROM sessions)::bigint,
                       (SELECT coalesce(sum(n), 0) FROM focus)::bigint, (SELECT count(*) FROM added)
                """, [array]
            ).first!
            summary.participants = row.int(0)
            summary.sessions = row.int(1)
            summary.focusSeconds = row.int(2)
            // Everything of these rooms goes with them, one statement per table for the whole batch
            // (the triggers of migration 039; foreign keys made a statement per room and table).
            try conn.query("DELETE FROM rooms WHERE id = ANY($1::uuid[])", [array])
            return (summary, ids)
        }
    }

    /// The periodic run inside `serve`: one responder at a time (the others skip until their next
    /// turn). nil when another one runs. The advisory lock is transaction-level, held by a
    /// transaction kept open on one connection while the run works on others: a session-level
    /// lock would stay behind on a PgBouncer server connection when the pool hands the unlock to
    /// another one, and no responder would clean again.
    func cleanIfNobodyElseIs(redis: RedisPool?) throws -> Summary? {
        try database.withConnection { conn in
            try conn.query("BEGIN")
            defer { _ = try? conn.query("ROLLBACK") }
            guard try conn.query("SELECT pg_try_advisory_xact_lock(7007001)").first!.bool(0) else { return nil }
            return try cleanExpiredRooms(redis: redis)
        }
    }

    /// The most recent days with figures, newest first.
    func days(limit: Int = 30) throws -> [Day] {
        try database.query(
            """
            SELECT to_char(day, 'YYYY-MM-DD'), rooms_created, total_participants, total_sessions, total_focus_seconds
            FROM daily_statistics ORDER BY day DESC LIMIT $1
            """, [limit]
        ).map { Day(day: $0.string(0), roomsCreated: $0.int(1), participants: $0.int(2), sessions: $0.int(3), focusSeconds: $0.int(4)) }
    }

    /// Rooms open now, and how many have a running timer.
    func live() throws -> (open: Int, running: Int) {
        let row = try database.query(
            """
            SELECT count(*), count(*) FILTER (WHERE status = 'running') FROM rooms WHERE expires_at > now()
            """
        ).first!
        return (row.int(0), row.int(1))
    }
}
