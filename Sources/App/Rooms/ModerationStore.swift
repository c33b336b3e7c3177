import Domain
import Foundation
import Postgres

/// What the host can do to participants: mute, unmute, remove, and hand the host role over.
enum ModerationStore {
    enum Action: String { case mute, unmute, remove, host }

    static func apply(_ action: Action, to participantID: String, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let me = try room.participant()
        guard UUID(uuidString: participantID) != nil,
            try conn.query(
                "SELECT 1 FROM participants WHERE id = $1::uuid AND room_id = $2", [participantID, room.id]
            ).first != nil
        else {
            throw RoomRefusal.gone("That person is no longer in the room.")
        }
        guard participantID != me.id else { throw RoomRefusal.invalid("That is you. To leave, use “Leave room”.") }
        switch action {
        case .mute, .unmute:
            try conn.query("UPDATE participants SET is_muted = $2 WHERE id = $1", [participantID, action == .mute])
            // The mute follows the person, not the seat, so leaving and rejoining keeps it.
            if action == .mute {
                try RoomSanctions.record(.mute, participantID: participantID, on: conn)
            } else {
                try RoomSanctions.liftMute(participantID: participantID, on: conn)
            }
            return [.people]
        case .remove:
            try RoomSanctions.record(.removal, participantID: participantID, on: conn)
            try conn.query("DELETE FROM participants WHERE id = $1", [participantID])
            return [.people, .tasks, .proposals]
        case .host:
            try conn.query(
                "UPDATE participants SET role = CASE WHEN id = $1 THEN 'host' ELSE 'guest' END WHERE room_id = $2 AND (id = $1 OR role = 'host')",
                [participantID, room.id])
            return [.people, .state]
        }
    }
}
