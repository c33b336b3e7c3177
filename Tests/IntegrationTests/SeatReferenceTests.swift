import Domain
import Foundation
import Postgres
import Testing

@testable import App

/// What points at a room, a seat or a segment is kept by triggers since migration 039 (clean-rooms
/// deletes a batch of rooms with one statement per table): they must do what the foreign keys did.
@Suite("Room, seat and segment references", TestEnvironment.requirement)
struct SeatReferenceTests {
    let pool = TestEnvironment.pool
    let store = RoomStore(database: TestEnvironment.pool)

    /// A guest seat in a fresh room with a message, a task on the room's first segment and a
    /// proposal of its own: (room, guest session, seat id, first segment id).
    func seatWithEverything() throws -> (TestRoom, SessionID, String, String) {
        let room = try TestRoom.make()
        let guest = SessionID.fresh()
        _ = try store.join(room.code, session: guest, name: try DisplayName(validating: "Guest"))
        let seat = try pool.query("SELECT id::text FROM participants WHERE room_id = $1 AND role = 'guest'", [room.id]).first!.string(0)
        let segment = try pool.query("SELECT id::text FROM segments WHERE room_id = $1 ORDER BY position LIMIT 1", [room.id]).first!.string(0)
        try pool.query(
            "INSERT INTO messages (room_id, participant_id, author_name, text) VALUES ($1, $2, 'Guest', 'hello')", [room.id, seat])
        try pool.query(
            "INSERT INTO tasks (room_id, participant_id, segment_id, text, visibility) VALUES ($1, $2, $3, 'read', 'public')",
            [room.id, seat, segment])
        try pool.query(
            """
            INSERT INTO proposals (room_id, participant_id, author_name, kind, payload)
            VALUES ($1, $2, 'Guest', 'public_task', '{"text": "read"}')
            """, [room.id, seat])
        return (room, guest, seat, segment)
    }

    @Test func aGuestWhoLeavesTakesTheirTasksAndLeavesTheirMessagesAndProposalsUnderTheirName() throws {
        let (room, guest, seat, _) = try seatWithEverything()
        _ = try store.leave(room.code, session: guest)
        #expect(try pool.query("SELECT count(*) FROM tasks WHERE room_id = $1", [room.id]).first!.int(0) == 0)
        let message = try #require(try pool.query("SELECT author_name, participant_id::text FROM messages WHERE room_id = $1", [room.id]).first)
        #expect(message.string(0) == "Guest")
        #expect(message[1] == nil)
        #expect(try pool.query("SELECT count(*) FROM proposals WHERE participant_id = $1", [seat]).first!.int(0) == 0)
        #expect(try pool.query("SELECT count(*) FROM proposals WHERE room_id = $1", [room.id]).first!.int(0) == 1)
    }

    @Test func aTaskOutlivesItsSegmentAsAnySegment() throws {
        let (room, _, _, segment) = try seatWithEverything()
        try pool.query("DELETE FROM segments WHERE id = $1", [segment])
        let task = try #require(try pool.query("SELECT segment_id::text FROM tasks WHERE room_id = $1", [room.id]).first)
        #expect(task[0] == nil)
    }

    @Test func aReferenceToASeatOrSegmentThatIsGoneIsRefusedAsBefore() throws {
        let (room, _, seat, _) = try seatWithEverything()
        let gone = UUID().uuidString.lowercased()
        func refusal(_ sql: String, _ params: [any PostgresBindable]) -> String? {
            do {
                try pool.query(sql, params)
                return nil
            } catch PostgresError.server(let sqlstate, let message) {
                return sqlstate == "23503" ? message : "sqlstate \(sqlstate)"
            } catch {
                return "\(error)"
            }
        }
        let message = refusal("INSERT INTO messages (room_id, participant_id, author_name, text) VALUES ($1, $2, 'X', 'hi')", [room.id, gone])
        #expect(message?.contains("messages_participant_id_fkey") == true)
        let task = refusal("UPDATE tasks SET segment_id = $2 WHERE room_id = $1", [room.id, gone])
        #expect(task?.contains("tasks_segment_id_fkey") == true)
        let segment = refusal(
            "INSERT INTO segments (room_id, position, kind, duration_sec) VALUES ($1, 99, 'focus', 60)", [gone])
        #expect(segment?.contains("segments_room_id_fkey") == true)
        let rekey = refusal("UPDATE participants SET id = $2 WHERE id = $1", [seat, gone])
        #expect(rekey?.contains("changes an id other rows point at") == true, "\(rekey ?? "accepted")")
        // An unchanged reference is not checked again, and a valid one passes.
        #expect(refusal("UPDATE messages SET text = 'edited' WHERE room_id = $1", [room.id]) == nil)
    }

    @Test func cleanRoomsLeavesNothingOfARoomBehind() throws {
        let (room, _, _, _) = try seatWithEverything()
        try pool.query("UPDATE rooms SET expires_at = now() - interval '1 second' WHERE id = $1", [room.id])
        _ = try StatsStore(database: pool).cleanExpiredRooms(redis: nil)
        let left = try pool.query(
            """
            SELECT (SELECT count(*) FROM rooms WHERE id = $1), (SELECT count(*) FROM participants WHERE room_id = $1),
                   (SELECT count(*) FROM segments WHERE room_id = $1), (SELECT count(*) FROM messages WHERE room_id = $1),
                   (SELECT count(*) FROM tasks WHERE room_id = $1), (SELECT count(*) FROM proposals WHERE room_id = $1)
            """, [room.id]
        ).first!
        #expect((0..<6).map { left.int($0) } == [0, 0, 0, 0, 0, 0], "rooms, seats, segments, messages, tasks, proposals left")
    }
}
