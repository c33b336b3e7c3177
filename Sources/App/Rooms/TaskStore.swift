import Domain
import Foundation
import Postgres

/// Participants' tasks. Private tasks are loaded into the room snapshot like the rest but only
/// ever rendered for their owner; every statement that changes a task names its owner, so
/// someone else's task id is simply not found.
enum TaskStore {
    static let maxPerParticipant = 50

    static func all(roomID: String, on conn: PostgresConnection, names: [String: String]) throws -> [RoomSnapshot.Task] {
        try conn.query(
            """
            SELECT id, participant_id, segment_id, text, visibility = 'public', done FROM tasks WHERE room_id = $1 ORDER BY created_at, id
            """, [roomID]
        ).map { row in
            RoomSnapshot.Task(
                id: row.string(0), participantID: row.string(1), segmentID: row[2], text: row.string(3),
                isPublic: row.bool(4), done: row.bool(5), author: names[row.string(1)] ?? "")
        }
    }

    static func parts(public isPublic: Bool) -> Set<RoomPart> { isPublic ? [.tasks] : [.personal] }

    static func add(text: ShortText, isPublic: Bool, segmentID: String?, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let me = try room.participant()
        if let segmentID { _ = try SegmentStore.segment(segmentID, in: room, on: conn) }
        let count = try conn.query("SELECT count(*) FROM tasks WHERE participant_id = $1", [me.id]).first!.int(0)
        guard count < maxPerParticipant else {
            throw RoomRefusal.invalid("You already have \(maxPerParticipant) tasks here. Delete some you no longer need.")
        }
        try conn.query(
            """
            INSERT INTO tasks (room_id, participant_id, segment_id, text, visibility) VALUES ($1, $2, $3, $4, $5)
            """, [room.id, me.id, segmentID, text.value, isPublic ? "public" : "private"])
        return parts(public: isPublic)
    }

    /// The viewer's own task, locked; 404 for anyone else's.
    private static func own(_ id: String, room: LockedRoom, on conn: PostgresConnection) throws -> Bool {
        let me = try room.participant()
        guard UUID(uuidString: id) != nil,
            let row = try conn.query(
                """
                SELECT visibility = 'public' FROM tasks WHERE id = $1::uuid AND participant_id = $2 FOR UPDATE
                """, [id, me.id]
            ).first
        else {
            throw RoomRefusal.gone("That task does not exist, or is not yours.")
        }
        return row.bool(0)
    }

    static func edit(_ id: String, text: ShortText, isPublic: Bool, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let wasPublic = try own(id, room: room, on: conn)
        try conn.query("UPDATE tasks SET text = $2, visibility = $3 WHERE id = $1", [id, text.value, isPublic ? "public" : "private"])
        return parts(public: wasPublic || isPublic)
    }

    static func toggle(_ id: String, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let isPublic = try own(id, room: room, on: conn)
        try conn.query("UPDATE tasks SET done = NOT done WHERE id = $1", [id])
        return parts(public: isPublic)
    }

    static func delete(_ id: String, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let isPublic = try own(id, room: room, on: conn)
        try conn.query("DELETE FROM tasks WHERE id = $1", [id])
        return parts(public: isPublic)
    }
}
