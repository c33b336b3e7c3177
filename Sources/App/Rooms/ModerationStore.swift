import Domain
import Foundation
import Postgres

/// What the host can do to participants: mute, unmute, remove, hand the host role over, and
/// make them DJ (they run the soundtrack) or not.
enum ModerationStore {
    enum Action: String { case mute, unmute, remove, host, dj, undj }

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
        return try enforce(action, on: participantID, room: room, on: conn)
    }

    /// Applies `action` to a seat known to be in the room: the host's moderation above, and an
    /// admin's from /admin/rooms (who holds no seat there).
    static func enforce(_ action: Action, on participantID: String, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
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
        case .dj, .undj:
            let djs = try conn.query(
                "SELECT count(*) FILTER (WHERE is_dj AND id <> $2) FROM participants WHERE room_id = $1", [room.id, participantID]
            ).first!.int(0)
            if action == .dj && djs >= SoundtrackLimits.djs {
                throw RoomRefusal.invalid("A room has at most \(SoundtrackLimits.djs) DJs. Take the role from someone first.")
            }
            try conn.query("UPDATE participants SET is_dj = $2 WHERE id = $1", [participantID, action == .dj])
            return [.people, .soundtrack]
        }
    }
}
