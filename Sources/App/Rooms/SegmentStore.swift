import Domain
import Foundation
import Postgres

/// The segment queue. Segments before the current one are history and read-only; the current
/// one can be edited (its timer follows) but not removed or moved; the rest is free.
enum SegmentStore {
    static func segments(roomID: String, on conn: PostgresConnection) throws -> [RoomSnapshot.Segment] {
        try conn.query(
            """
            SELECT id, position, kind, label, duration_sec, public_task FROM segments WHERE room_id = $1 ORDER BY position
            """, [roomID]
        ).map { row in
            RoomSnapshot.Segment(
                id: row.string(0), position: row.int(1), kind: SegmentKind(rawValue: row.string(2)) ?? .custom,
                label: row[3], durationSec: row.int(4), publicTask: row[5])
        }
    }

    static func insert(_ spec: SegmentSpec, roomID: String, position: Int, on conn: PostgresConnection) throws {
        try conn.query(
            """
            INSERT INTO segments (room_id, position, kind, label, duration_sec, public_task) VALUES ($1, $2, $3, $4, $5, $6)
            """, [roomID, position, spec.kind.rawValue, spec.label, spec.duration.seconds, spec.publicTask])
    }

    /// Appends a segment; refused when the queue is full or the session has ended.
    static func add(_ spec: SegmentSpec, to room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        try requireOpen(room)
        guard room.segmentCount < RoomLimits.maxSegments else {
            throw RoomRefusal.invalid("The queue is full: a room holds at most \(RoomLimits.maxSegments) segments.")
        }
        try insert(spec, roomID: room.id, position: room.segmentCount, on: conn)
        return [.queue, .state]
    }

    /// A segment of this room by id, or 404 (also for ids that are not ids).
    static func segment(_ id: String, in room: LockedRoom, on conn: PostgresConnection) throws -> (position: Int, durationSec: Int) {
        guard UUID(uuidString: id) != nil,
            let row = try conn.query(
                "SELECT position, duration_sec FROM segments WHERE id = $1::uuid AND room_id = $2", [id, room.id]
            ).first
        else {
            throw RoomRefusal.gone("That segment is no longer in the queue. The page now shows the current queue.")
        }
        return (row.int(0), row.int(1))
    }

    static func requireOpen(_ room: LockedRoom) throws {
        if room.status == .ended { throw RoomRefusal.stale("This session has ended; its queue can no longer change.") }
    }

    static func isStarted(_ room: LockedRoom) -> Bool { room.status == .running || room.status == .paused }

    static func requireNotDone(_ position: Int, in room: LockedRoom) throws {
        try requireOpen(room)
        if position < room.currentIndex {
            throw RoomRefusal.stale("That segment is already over and can no longer change.")
        }
    }

    static func edit(_ id: String, to spec: SegmentSpec, in room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let segment = try Self.segment(id, in: room, on: conn)
        try requireNotDone(segment.position, in: room)
        try conn.query(
            """
            UPDATE segments SET kind = $2, label = $3, duration_sec = $4, public_task = $5 WHERE id = $1
            """, [id, spec.kind.rawValue, spec.label, spec.duration.seconds, spec.publicTask])
        if segment.position == room.currentIndex && isStarted(room) {
            // Focus turned into a break, or the other way round: the focus clock follows.
            try FocusRun.stop(room.id, on: conn)
            // The running segment keeps its start: the end moves by the change in length.
            let delta = spec.duration.seconds - segment.durationSec
            try conn.query(
                """
                UPDATE rooms SET segment_ends_at = segment_ends_at + make_interval(secs => $2),
                       paused_remaining_ms = CASE WHEN paused_remaining_ms IS NOT NULL THEN greatest(1000, paused_remaining_ms + $2 * 1000) END
                WHERE id = $1
                """, [room.id, delta])
            try FocusRun.resume(room.id, on: conn)
        }
        return [.queue, .state, .tasks]
    }

    static func delete(_ id: String, in room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let segment = try Self.segment(id, in: room, on: conn)
        try requireNotDone(segment.position, in: room)
        if segment.position == room.currentIndex && isStarted(room) {
            throw RoomRefusal.stale("That segment is running. Skip it first, or edit it instead.")
        }
        try conn.query("DELETE FROM segments WHERE id = $1", [id])
        try conn.query("UPDATE segments SET position = position - 1 WHERE room_id = $1 AND position > $2", [room.id, segment.position])
        return [.queue, .state, .tasks]
    }

    /// Swaps the segment with its neighbour, among segments still to come.
    static func move(_ id: String, up: Bool, in room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let segment = try Self.segment(id, in: room, on: conn)
        try requireNotDone(segment.position, in: room)
        let firstMovable = isStarted(room) ? room.currentIndex + 1 : room.currentIndex
        let target = segment.position + (up ? -1 : 1)
        guard segment.position >= firstMovable else {
            throw RoomRefusal.stale("That segment is running and stays where it is.")
        }
        guard target >= firstMovable, target < room.segmentCount else {
            throw RoomRefusal.stale(up ? "That segment is already the next one." : "That segment is already the last one.")
        }
        // One statement, so the (deferrable) unique position is checked after both rows moved.
        try conn.query(
            """
            UPDATE segments SET position = CASE WHEN position = $2 THEN $3 ELSE $2 END
            WHERE room_id = $1 AND position IN ($2, $3)
            """, [room.id, segment.position, target])
        return [.queue, .state]
    }
}
