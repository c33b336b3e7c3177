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

    /// `privateTaskID`: the viewer's private task this one is copied from ("add from my tasks"),
    /// checked to be theirs and open by the caller; ticking either ticks both.
    static func add(
        text: ShortText, isPublic: Bool, segmentID: String?, privateTaskID: String? = nil, room: LockedRoom, on conn: PostgresConnection
    ) throws -> Set<RoomPart> {
        let me = try room.participant()
        if let segmentID { _ = try SegmentStore.segment(segmentID, in: room, on: conn) }
        if let privateTaskID, try hasCopy(of: privateTaskID, participantID: me.id, on: conn) {
            throw RoomRefusal.invalid("That task from your list is here already.")
        }
        let count = try conn.query("SELECT count(*) FROM tasks WHERE participant_id = $1", [me.id]).first!.int(0)
        guard count < maxPerParticipant else {
            throw RoomRefusal.invalid("You already have \(maxPerParticipant) tasks here. Delete some you no longer need.")
        }
        try conn.query(
            """
            INSERT INTO tasks (room_id, participant_id, segment_id, text, visibility, private_task_id) VALUES ($1, $2, $3, $4, $5, $6)
            """, [room.id, me.id, segmentID, text.value, isPublic ? "public" : "private", privateTaskID])
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

    /// Ticks or unticks the viewer's task; a copy of one of their private tasks ticks that one
    /// too, in the same transaction.
    static func toggle(_ id: String, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let isPublic = try own(id, room: room, on: conn)
        let row = try conn.query("UPDATE tasks SET done = NOT done WHERE id = $1 RETURNING done, private_task_id", [id]).first!
        if let linked = row[1] { try PrivateTaskStore.followRoomCopy(linked, roomTaskID: id, done: row.bool(0), on: conn) }
        return parts(public: isPublic)
    }

    /// Whether this participant copied that private task into the room already.
    static func hasCopy(of privateTaskID: String, participantID: String, on conn: PostgresConnection) throws -> Bool {
        try conn.query("SELECT EXISTS (SELECT 1 FROM tasks WHERE participant_id = $1 AND private_task_id = $2)", [participantID, privateTaskID])
            .first!.bool(0)
    }

    /// The rooms holding copies of one of `userID`'s private tasks, to lock before the task
    /// changes (rooms first, then the task: the order a room's own toggle takes them in).
    static func roomsWithCopies(of privateTaskID: String, userID: String, on conn: PostgresConnection) throws -> [String] {
        try conn.query(
            """
            SELECT DISTINCT t.room_id FROM tasks t JOIN private_tasks p ON p.id = t.private_task_id
            WHERE t.private_task_id = $1 AND p.user_id = $2
            """, [privateTaskID, userID]
        ).map { $0.string(0) }
    }

    /// Room copies of a private task take its state when it is completed or reopened in its list
    /// (copies whose author is still its owner). Returns the rooms changed and whether each copy
    /// is public, for the rooms' versions.
    static func followPrivateTask(_ privateTaskID: String, done: Bool, on conn: PostgresConnection) throws -> [(roomID: String, isPublic: Bool)] {
        try conn.query(
            """
            UPDATE tasks t SET done = $2
            FROM participants pa, private_tasks p
            WHERE t.private_task_id = $1 AND p.id = t.private_task_id AND pa.id = t.participant_id
              AND pa.user_id = p.user_id AND t.done <> $2
            RETURNING t.room_id, t.visibility = 'public'
            """, [privateTaskID, done]
        ).map { ($0.string(0), $0.bool(1)) }
    }

    static func delete(_ id: String, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let isPublic = try own(id, room: room, on: conn)
        try conn.query("DELETE FROM tasks WHERE id = $1", [id])
        return parts(public: isPublic)
    }

    /// A moderator's removal of any task in the room (a reported one); nil when it is not there.
    static func removeAny(_ id: String, room: LockedRoom, on conn: PostgresConnection) throws -> (text: String, parts: Set<RoomPart>)? {
        guard UUID(uuidString: id) != nil,
            let row = try conn.query(
                "DELETE FROM tasks WHERE id = $1::uuid AND room_id = $2 RETURNING text, visibility = 'public'", [id, room.id]
            ).first
        else { return nil }
        return (row.string(0), parts(public: row.bool(1)))
    }
}
