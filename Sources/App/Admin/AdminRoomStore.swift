import Domain
import Foundation
import Postgres

/// What admins do in a room, on the room locked by `RoomStore.change` (the admin holds no seat:
/// `room.me` is nil), each with its audit line in the same transaction. The host's own tools
/// (`ModerationStore`, `ChatStore`, `TaskStore`) do the work.
enum AdminRoomStore {
    /// How long a closed room's page says it was closed, and why.
    static let closureDays = 30

    /// Closes the room for everyone: it expires now (folded into the daily figures like any
    /// other), and its page answers 410 with `reason` (`closure`).
    static func close(_ room: LockedRoom, by actor: CurrentUser, reason: ModerationReason, on conn: PostgresConnection) throws -> Set<RoomPart> {
        try conn.query("UPDATE rooms SET expires_at = now() WHERE id = $1", [room.id])
        try conn.query(
            """
            INSERT INTO room_closures (code, room_id, reason) VALUES ($1, $2, $3)
            ON CONFLICT (code) DO UPDATE SET room_id = excluded.room_id, reason = excluded.reason, closed_at = now()
            """, [room.code.value, room.id, reason.value])
        try AuditLog.append(
            .init(action: .roomClose, target: target(room), reason: reason.value, before: "open", after: "closed"), by: actor, on: conn)
        return [.state]
    }

    /// Why the moderators closed the room with this code, if they did lately and no live room has
    /// the code now.
    static func closure(_ code: RoomCode, database: PostgresPool) throws -> String? {
        try database.query(
            """
            SELECT reason FROM room_closures c
            WHERE c.code = $1 AND c.closed_at > now() - make_interval(days => $2)
              AND NOT EXISTS (SELECT 1 FROM rooms r WHERE r.code = c.code AND r.expires_at > now())
            """, [code.value, closureDays]
        ).first?.string(0)
    }

    /// Removes a chat message (shadow-hidden ones too).
    static func removeMessage(
        _ id: String, room: LockedRoom, by actor: CurrentUser, reason: ModerationReason, on conn: PostgresConnection
    ) throws -> Set<RoomPart> {
        guard id.count <= 18, let number = Int(id),
            let row = try conn.query("SELECT author_name, text FROM messages WHERE id = $1 AND room_id = $2", [number, room.id]).first
        else { throw ModerationRefusal.notFound }
        let parts = try ChatStore.delete(id, room: room, on: conn)
        try AuditLog.append(
            .init(
                action: .messageRemove, target: AuditTarget(.message, id: id, label: "\(room.code.display): \(row.string(0))"),
                reason: reason.value, before: row.string(1)), by: actor, on: conn)
        return parts.union([.personal])
    }

    /// Removes a task (a reported one).
    static func removeTask(
        _ id: String, room: LockedRoom, by actor: CurrentUser, reason: ModerationReason, on conn: PostgresConnection
    ) throws -> Set<RoomPart> {
        guard let (text, parts) = try TaskStore.removeAny(id, room: room, on: conn) else { throw ModerationRefusal.notFound }
        try AuditLog.append(
            .init(action: .contentRemove, target: AuditTarget(.task, id: id, label: room.code.display), reason: reason.value, before: text),
            by: actor, on: conn)
        return parts
    }

    /// Mutes, unmutes or removes the person in a seat (the host's own moderation, with the same
    /// lasting sanctions); a removed host is replaced as when a host leaves.
    static func moderate(
        _ action: ModerationStore.Action, seat: String, room: LockedRoom, by actor: CurrentUser, reason: ModerationReason,
        on conn: PostgresConnection
    ) throws -> Set<RoomPart> {
        guard UUID(uuidString: seat) != nil,
            let row = try conn.query(
                "SELECT display_name, is_muted FROM participants WHERE id = $1::uuid AND room_id = $2", [seat, room.id]
            ).first
        else { throw ModerationRefusal.notFound }
        let audited: AuditAction
        switch action {
        case .mute: audited = .participantMute
        case .unmute: audited = .participantUnmute
        case .remove: audited = .participantRemove
        case .host, .dj, .undj: throw ModerationRefusal.invalid("Admins mute, unmute or remove; the host hands out roles.")
        }
        var parts = try ModerationStore.enforce(action, on: seat, room: room, on: conn)
        if action == .remove {
            try RoomStore.promoteSuccessor(roomID: room.id, on: conn)
            parts.insert(.state)
        }
        let before = row.bool(1) ? "muted" : "in the room"
        let after = action == .remove ? "removed" : action == .mute ? "muted" : "in the room"
        try AuditLog.append(
            .init(
                action: audited, target: AuditTarget(.room, id: room.id, label: "\(room.code.display): \(row.string(0))"), reason: reason.value,
                before: before, after: after), by: actor, on: conn)
        return parts
    }

    static func target(_ room: LockedRoom) -> AuditTarget { AuditTarget(.room, id: room.id, label: room.code.display) }
}
