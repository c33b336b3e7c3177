import Domain
import Foundation
import Postgres

/// A room's focus clock and each seat's share of it. The clock (`rooms.focus_clock_ms`, ticking
/// from `focus_since` while a focus segment runs) only moves while the timer runs focus, so a
/// paused timer or a break credits nothing. A seat accrues the clock's movement between two
/// sightings of its person less than the online window apart (the presence flush, a rejoin);
/// a longer gap accrues nothing. Settling turns accrued time into ledger credit, in the
/// transaction that ends the focus (completion, skip, end) or when someone leaves.
enum FocusRun {
    /// The clock's reading at a moment.
    struct Reading {
        let clockMs: Int64
        let at: Date
    }

    /// Reads the clock at `now()` (the transaction's).
    static func read(_ roomID: String, on conn: PostgresConnection) throws -> Reading {
        let row = try conn.query(
            """
            SELECT focus_clock_at(focus_clock_ms, focus_since, segment_ends_at, now()), extract(epoch FROM now())::float8
            FROM rooms WHERE id = $1
            """, [roomID]
        ).first!
        return Reading(clockMs: Int64(row.string(0)) ?? 0, at: Date(timeIntervalSince1970: Double(row.string(1)) ?? 0))
    }

    /// Stops the clock at `now()`, keeping its reading (before any change to the timer), and
    /// returns that reading.
    @discardableResult
    static func stop(_ roomID: String, on conn: PostgresConnection) throws -> Reading {
        let row = try conn.query(
            """
            UPDATE rooms SET focus_clock_ms = focus_clock_at(focus_clock_ms, focus_since, segment_ends_at, now()), focus_since = NULL
            WHERE id = $1 RETURNING focus_clock_ms, extract(epoch FROM now())::float8
            """, [roomID]
        ).first!
        return Reading(clockMs: Int64(row.string(0)) ?? 0, at: Date(timeIntervalSince1970: Double(row.string(1)) ?? 0))
    }

    /// Stops the clock at a reading worked out by the caller (the sweeper's catch-up).
    static func stop(_ roomID: String, at clockMs: Int64, on conn: PostgresConnection) throws {
        try conn.query("UPDATE rooms SET focus_clock_ms = $2, focus_since = NULL WHERE id = $1", [roomID, String(clockMs)])
    }

    /// Starts the clock again if the timer now runs a focus segment (after a change to it):
    /// from now, or, after the sweeper moved the timer on, from when that segment began.
    static func resume(_ roomID: String, fromSegmentStart: Bool = false, on conn: PostgresConnection) throws {
        try conn.query(
            """
            UPDATE rooms r SET focus_since = CASE WHEN $2 THEN r.segment_ends_at - make_interval(secs => s.duration_sec) ELSE now() END
            FROM segments s
            WHERE r.id = $1 AND r.status = 'running' AND s.room_id = r.id AND s.position = r.current_segment_index AND s.kind = 'focus'
            """, [roomID, fromSegmentStart])
    }

    /// The clock's reading when the current segment ended (it stops ticking there), and when.
    static func readingAtSegmentEnd(_ roomID: String, on conn: PostgresConnection) throws -> Reading {
        let row = try conn.query(
            """
            SELECT focus_clock_at(focus_clock_ms, focus_since, segment_ends_at, segment_ends_at), extract(epoch FROM segment_ends_at)::float8
            FROM rooms WHERE id = $1
            """, [roomID]
        ).first!
        return Reading(clockMs: Int64(row.string(0)) ?? 0, at: Date(timeIntervalSince1970: Double(row.string(1)) ?? 0))
    }

    /// Credits every seat's focus up to `end`, when the clock read `clockMs`: what each accrued,
    /// plus, for people present then (seen within the online window before it), the clock's
    /// movement since their last sighting. Seats start accruing afresh. One statement for the
    /// room, then one credit batch. `sessionSeconds`: the length of a focus segment that ran to
    /// its end; someone present at that end with at least half of it credited completed a
    /// session (joining a minute before the end does not). `only`: settle one seat (someone
    /// leaving).
    @discardableResult
    static func settle(
        _ roomID: String, end: Date, clockMs: Int64, sessionSeconds: Int? = nil, only participantID: String? = nil,
        on conn: PostgresConnection
    ) throws -> [FocusCredit] {
        let rows = try conn.query(
            """
            WITH due AS (
                SELECT p.id, p.user_id, p.session_hash, p.role = 'host' AS hosting,
                       p.last_seen_at >= to_timestamp($2) - make_interval(secs => $4) AS present,
                       p.focus_accrued_ms + CASE WHEN p.last_seen_at >= to_timestamp($2) - make_interval(secs => $4)
                                                 THEN greatest(0, $3::bigint - p.focus_mark_ms) ELSE 0 END AS ms
                FROM participants p
                WHERE p.room_id = $1 AND ($5::uuid IS NULL OR p.id = $5::uuid)
                  AND (p.focus_accrued_ms > 0 OR p.last_seen_at >= to_timestamp($2) - make_interval(secs => $4))
                FOR UPDATE OF p),
            reset AS (
                UPDATE participants p SET focus_accrued_ms = 0,
                       focus_mark_ms = CASE WHEN due.present THEN $3::bigint ELSE p.focus_mark_ms END
                FROM due WHERE p.id = due.id)
            SELECT user_id, session_hash, ms, hosting, present, (SELECT count(*) FROM participants q
                WHERE q.room_id = $1 AND q.last_seen_at >= to_timestamp($2) - make_interval(secs => $4))
            FROM due WHERE ms >= 1000
            """, [roomID, String(end.timeIntervalSince1970), String(clockMs), RoomStore.onlineWindow, participantID])
        let claims = rows.map { row in
            let seconds = row.int(2) / 1000
            return FocusLedger.Claim(
                userID: row[0], sessionHash: row.bytes(1), seconds: seconds,
                completed: sessionSeconds.map { row.bool(4) && seconds * 2 >= $0 } ?? false,
                peoplePresent: max(1, row.int(5)), hosted: row.bool(3))
        }
        return try FocusLedger.credit(claims, source: .room, roomID: roomID, endedAt: end, on: conn)
    }
}
