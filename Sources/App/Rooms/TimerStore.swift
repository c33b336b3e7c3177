import Domain
import Postgres

/// The shared timer. It is stored as timestamps (the current segment, when it ends while
/// running, what remained while paused) and advanced by whoever looks after it has ended: a
/// change to the room, or the sweeper, which runs in every responder and skips rooms another
/// one holds.
enum TimerStore {
    /// Completes the running segment if it has ended (and any that ended after it while nobody
    /// looked), crediting focus segments once: in the transaction that moves past them, on the
    /// locked room row; each person gets the minutes they were there (`FocusRun.settle`).
    /// Returns what was credited, or nil when nothing moved.
    static func completeDue(_ room: LockedRoom, on conn: PostgresConnection) throws -> [FocusCredit]? {
        guard room.status == .running, let msToEnd = room.msToEnd, msToEnd <= 0 else { return nil }
        let segments = try SegmentStore.segments(roomID: room.id, on: conn)
        guard
            let advance = TimerMath.advance(
                durationsSec: segments.map(\.durationSec), isFocus: segments.map { $0.kind == .focus },
                index: room.currentIndex, msToEnd: msToEnd)
        else { return nil }
        for (index, endedAt) in advance.completedFocus {
            // Completed when it was due, not when we noticed.
            try conn.query(
                """
                INSERT INTO focus_completions (room_id, segment_id, seconds, completed_at)
                VALUES ($1, $2, $3, now() + make_interval(secs => $4::float8 / 1000))
                """, [room.id, segments[index].id, segments[index].durationSec, String(endedAt)])
        }
        // Walk the segments that ended: the clock stops at the first one's end, and each later
        // one (the sweeper catching up) ran whole.
        var reading = try FocusRun.readingAtSegmentEnd(room.id, on: conn)
        var credits: [FocusCredit] = []
        for index in room.currentIndex...(advance.ended ? advance.index : advance.index - 1) where index < segments.count {
            let segment = segments[index]
            if index > room.currentIndex {
                reading = FocusRun.Reading(
                    clockMs: reading.clockMs + (segment.kind == .focus ? Int64(segment.durationSec) * 1000 : 0),
                    at: reading.at.addingTimeInterval(Double(segment.durationSec)))
            }
            if segment.kind == .focus {
                credits += try FocusRun.settle(
                    room.id, end: reading.at, clockMs: reading.clockMs, sessionSeconds: segment.durationSec, on: conn)
            }
        }
        try FocusRun.stop(room.id, at: reading.clockMs, on: conn)
        if advance.ended {
            try finish(room, at: advance.index, on: conn)
        } else {
            try conn.query(
                """
                UPDATE rooms SET current_segment_index = $2, segment_ends_at = now() + make_interval(secs => $3::float8 / 1000)
                WHERE id = $1
                """, [room.id, advance.index, String(advance.msToEnd)])
            try FocusRun.resume(room.id, fromSegmentStart: true, on: conn)
        }
        return credits
    }

    /// Applies a host's timer control: the rules are `TimerTransition`'s; this writes its effect.
    static func control(_ action: TimerAction, at seenIndex: Int, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let position = TimerTransition.Position(
            status: room.status, index: room.currentIndex, segmentCount: room.segmentCount,
            pausedRemainingMs: room.pausedRemainingMs)
        let transition = try TimerTransition.of(action, seenIndex: seenIndex, from: position)
        let reading = try FocusRun.stop(room.id, on: conn)
        if action == .skip || action == .end {
            // The minutes of a focus segment cut short still count; it is not a session.
            room.credited.add(try FocusRun.settle(room.id, end: reading.at, clockMs: reading.clockMs, on: conn))
        }
        switch transition.effect {
        case .run(let index, let remainingMs):
            let milliseconds = try remainingMs ?? duration(of: index, room: room, on: conn) * 1000
            try conn.query(
                """
                UPDATE rooms SET status = 'running', current_segment_index = $2, paused_remaining_ms = NULL,
                       segment_ends_at = now() + make_interval(secs => $3::float8 / 1000)
                WHERE id = $1
                """, [room.id, index, milliseconds])
        case .pause:
            try conn.query(
                """
                UPDATE rooms SET status = 'paused', segment_ends_at = NULL,
                       paused_remaining_ms = greatest(1000, (extract(epoch FROM segment_ends_at - now()) * 1000)::integer)
                WHERE id = $1
                """, [room.id])
        case .finish(let index):
            try finish(room, at: index, on: conn)
        }
        try FocusRun.resume(room.id, on: conn)
        return transition.movesQueue ? [.state, .queue] : [.state]
    }

    /// Seconds segment `index` lasts; refused when the queue has no such segment (an empty one).
    private static func duration(of index: Int, room: LockedRoom, on conn: PostgresConnection) throws -> Int {
        guard
            let row = try conn.query(
                "SELECT duration_sec FROM segments WHERE room_id = $1 AND position = $2",
                [room.id, index]
            ).first
        else {
            throw RoomRefusal.stale("There is no segment to run: add one to the queue first. Nothing was changed.")
        }
        return row.int(0)
    }

    private static func finish(_ room: LockedRoom, at index: Int, on conn: PostgresConnection) throws {
        try conn.query(
            """
            UPDATE rooms SET status = 'ended', segment_ends_at = NULL, paused_remaining_ms = NULL, current_segment_index = $2
            WHERE id = $1
            """, [room.id, index])
    }

    /// Advances every running room whose segment has ended (at most `limit` per call), each in
    /// the same transaction as its completion records; rooms locked by another responder are
    /// skipped, so running this everywhere at once counts nothing twice. Returns what moved.
    static func sweep(database: PostgresPool, limit: Int = 100) throws -> (moved: [(channel: String, version: Int)], credits: [FocusCredit]) {
        try database.transaction { conn in
            let due = try conn.query(
                """
                SELECT r.id, r.code, r.current_segment_index, (extract(epoch FROM r.segment_ends_at - now()) * 1000)::float8
                FROM rooms r WHERE r.status = 'running' AND r.segment_ends_at <= now() AND r.expires_at > now()
                ORDER BY r.segment_ends_at LIMIT $1
                FOR UPDATE SKIP LOCKED
                """, [limit])
            var moved: [(String, Int)] = []
            var credits: [FocusCredit] = []
            for row in due {
                let room = LockedRoom(
                    id: row.string(0), code: RoomCode(parsing: row.string(1))!, status: .running,
                    currentIndex: row.int(2), segmentCount: 0, msToEnd: row[3].flatMap(Double.init),
                    pausedRemainingMs: nil, me: nil)
                if let credited = try completeDue(room, on: conn) {
                    credits += credited
                    moved.append((room.channel, try RoomStore.bump(room.id, parts: [.state, .queue], on: conn)))
                }
            }
            return (moved, credits)
        }
    }

    /// The sweeper's backlog for `/metrics`: running rooms whose segment has ended but not yet
    /// been moved on (due), those still running, and how late the oldest due one is.
    static func sweepBacklog(on conn: PostgresConnection) throws -> QueueDepth {
        QueueDepth(
            row: try conn.query(
                """
                SELECT count(*) FILTER (WHERE segment_ends_at <= now()), count(*) FILTER (WHERE segment_ends_at > now()),
                       coalesce(extract(epoch FROM now() - min(segment_ends_at) FILTER (WHERE segment_ends_at <= now())), 0)::float8
                FROM rooms WHERE status = 'running' AND expires_at > now()
                """
            ).first)
    }
}
