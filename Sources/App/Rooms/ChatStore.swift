import Domain
import Foundation
import Postgres

/// Chat messages, with the seed's spam protection: a per-participant rate limit, and bursts
/// that mute the sender, whose messages are then stored shadow-hidden (shown to the sender
/// alone, who is not told).
enum ChatStore {
    /// Messages per participant per minute; past it the sender is asked to wait (429).
    static let perMinute = 30
    /// More than this many messages within `burstSeconds` mutes the sender.
    static let burst = 8
    static let burstSeconds = 10
    /// Slow mode: from this many people online, each participant may send one message every
    /// `slowModeSeconds`, so a crowd's chat stays readable (and cheap to keep current).
    static let slowModeAt = 200
    static let slowModeSeconds = 10

    /// The latest visible messages and the latest shadow-hidden ones (each up to `limit`),
    /// oldest first, so a muted spammer cannot push the conversation out of the window.
    static func recent(roomID: String, limit: Int, on conn: PostgresConnection) throws -> [RoomSnapshot.Message] {
        try conn.query(
            """
            SELECT id, participant_id, author_name, text, is_shadow_hidden,
                   to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM (
                (SELECT * FROM messages WHERE room_id = $1 AND NOT is_shadow_hidden ORDER BY id DESC LIMIT $2)
                UNION ALL
                (SELECT * FROM messages WHERE room_id = $1 AND is_shadow_hidden ORDER BY id DESC LIMIT $2)) m
            ORDER BY id
            """, [roomID, limit]
        ).map { row in
            RoomSnapshot.Message(
                id: row.int(0), participantID: row[1], author: row.string(2), text: row.string(3),
                isShadowHidden: row.bool(4), at: row.string(5))
        }
    }

    /// Posts a message. The room row is locked (`RoomStore.change`), so concurrent sends
    /// through several responders are counted exactly.
    static func post(_ text: ShortText, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let me = try room.participant()
        let counts = try conn.query(
            """
            SELECT count(*) FILTER (WHERE created_at > now() - make_interval(secs => 60)),
                   count(*) FILTER (WHERE created_at > now() - make_interval(secs => $2))
            FROM messages WHERE participant_id = $1 AND created_at > now() - make_interval(secs => 60)
            """, [me.id, burstSeconds]
        ).first!
        if counts.int(0) >= perMinute {
            throw RoomRefusal.tooFast("You are sending messages too fast. Please wait a few seconds.", retryAfter: 10)
        }
        if let wait = try slowModeWait(room: room, participantID: me.id, on: conn) {
            throw RoomRefusal.tooFast(
                "Slow mode: this room is busy, so everyone may send one message every \(slowModeSeconds) seconds. "
                    + "Please wait \(wait) s.", retryAfter: wait)
        }
        var muted = me.isMuted
        var parts: Set<RoomPart> = []
        if !muted && counts.int(1) >= burst {
            try conn.query("UPDATE participants SET is_muted = true WHERE id = $1", [me.id])
            try RoomSanctions.record(.mute, participantID: me.id, on: conn)
            muted = true
            parts.insert(.people)
        }
        try conn.query(
            """
            INSERT INTO messages (room_id, participant_id, author_name, text, is_shadow_hidden) VALUES ($1, $2, $3, $4, $5)
            """, [room.id, me.id, me.name, text.value, muted])
        parts.insert(muted ? .personal : .chat)
        return parts
    }

    /// Seconds this participant must still wait in slow mode (set by the host, or a crowd of
    /// `slowModeAt` online), or nil. Counting online people stops at `slowModeAt`, so it costs
    /// the same in a room of 10,000.
    static func slowModeWait(room: LockedRoom, participantID: String, on conn: PostgresConnection) throws -> Int? {
        let row = try conn.query(
            """
            SELECT (SELECT slow_mode FROM rooms WHERE id = $1)
                   OR (SELECT count(*) FROM (SELECT 1 FROM participants WHERE room_id = $1
                                             AND last_seen_at > now() - make_interval(secs => $3) LIMIT $4) crowd) >= $4,
                   (SELECT ceil(extract(epoch FROM max(created_at) + make_interval(secs => $5) - now()))::int
                    FROM messages WHERE participant_id = $2)
            """, [room.id, participantID, RoomStore.onlineWindow, slowModeAt, slowModeSeconds]
        ).first!
        guard row.bool(0), let wait = row[1].flatMap({ Int($0) }), wait > 0 else { return nil }
        return wait
    }

    static func delete(_ id: String, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        guard id.count <= 18, let number = Int(id),
            try conn.query("DELETE FROM messages WHERE id = $1 AND room_id = $2 RETURNING 1", [number, room.id]).first != nil
        else {
            throw RoomRefusal.gone("That message is already gone.")
        }
        return [.chat]
    }
}
