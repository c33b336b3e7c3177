import Domain
import Foundation
import Postgres

/// SQL for `favorite_rooms`: the rooms people starred, their live status, and starting one
/// again once it expired.
struct FavoriteRoomStore {
    let database: PostgresPool

    /// Rooms an account may star.
    static let limit = 100

    /// Stars the live room `code` for `userID`, keeping its queue and theme as they are now.
    /// Starring it again changes nothing. Throws `favoritesFull` at the limit; the account's row
    /// is locked first, in its own statement so the count is read after the lock: two stars at
    /// once cannot pass the limit together.
    static func star(userID: String, code: RoomCode, on conn: PostgresConnection) throws {
        try conn.query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", [userID])
        let row = try conn.query(
            """
            WITH room AS (SELECT r.id, r.code, r.theme FROM rooms r WHERE r.code = $2 AND r.expires_at > now()),
            already AS (SELECT 1 FROM favorite_rooms f JOIN room ON f.room_id = room.id WHERE f.user_id = $1),
            starred AS (
                INSERT INTO favorite_rooms (user_id, room_id, room_code, queue, theme)
                SELECT $1::uuid, room.id, left(room.code, 3) || '-' || right(room.code, 3),
                       coalesce((SELECT jsonb_agg(jsonb_build_object('kind', s.kind, 'label', s.label, 'duration', s.duration_sec)
                                 ORDER BY s.position) FROM segments s WHERE s.room_id = room.id), '[]'),
                       room.theme
                FROM room
                WHERE NOT EXISTS (SELECT 1 FROM already)
                  AND (SELECT count(*) FROM favorite_rooms f WHERE f.user_id = $1) < $3
                ON CONFLICT (user_id, room_id) DO NOTHING
                RETURNING id)
            SELECT EXISTS (SELECT 1 FROM room), EXISTS (SELECT 1 FROM already), EXISTS (SELECT 1 FROM starred)
            """, [userID, code.value, Self.limit]
        ).first!
        guard row.bool(0) else { throw RoomRefusal.noSuchRoom }
        if !row.bool(1) && !row.bool(2) { throw SocialRefusal.favoritesFull(Self.limit) }
    }

    /// Unstars the room `code` (nothing when it was not starred).
    static func unstar(userID: String, code: RoomCode, on conn: PostgresConnection) throws {
        try conn.query(
            "DELETE FROM favorite_rooms f USING rooms r WHERE f.user_id = $1 AND f.room_id = r.id AND r.code = $2",
            [userID, code.value])
    }

    /// Removes one favorite of `userID` by id (from /me, whether its room lives or not); false
    /// when it is not theirs.
    static func remove(_ id: Int, userID: String, on conn: PostgresConnection) throws -> Bool {
        try conn.query("DELETE FROM favorite_rooms WHERE id = $1 AND user_id = $2", [id, userID]).affectedRows == 1
    }

    /// A favorite as /me lists it.
    struct Listed {
        let id: Int
        let code: String
        let theme: String
        let status: FavoriteRoomStatus
        let online: Int
    }

    /// The account's favorites, newest star first, each with its room's live status and how many
    /// are online there (seen within `RoomStore.onlineWindow`): one statement.
    func list(userID: String) throws -> [Listed] {
        try database.query(
            """
            SELECT f.id, f.room_code, coalesce(r.theme, f.theme), r.id IS NOT NULL AND r.expires_at > now(), r.status, s.kind,
                   (extract(epoch FROM r.segment_ends_at - now()) * 1000)::float8,
                   CASE WHEN r.expires_at > now() THEN (SELECT count(*) FROM participants p
                        WHERE p.room_id = r.id AND p.last_seen_at > now() - make_interval(secs => $2)) ELSE 0 END
            FROM favorite_rooms f
            LEFT JOIN rooms r ON r.id = f.room_id
            LEFT JOIN segments s ON s.room_id = r.id AND s.position = r.current_segment_index
            WHERE f.user_id = $1
            ORDER BY f.starred_at DESC, f.id DESC LIMIT $3
            """, [userID, RoomStore.onlineWindow, Self.limit]
        ).map { row in
            Listed(
                id: row.int(0), code: row.string(1), theme: row.string(2),
                status: FavoriteRoomStatus(
                    live: row.bool(3), status: RoomStatus(stored: row.string(4)), segmentKind: row[5].flatMap(SegmentKind.init(rawValue:)),
                    msLeft: row[6].flatMap(Double.init)),
                online: row.int(7))
        }
    }

    /// What starting a favorite again needs: its room's queue and theme (the room's own while
    /// its row is still there, expired or not, else what was kept when starred), and the code
    /// of its room when that room still lives (then there is nothing to start).
    struct Restartable {
        let queue: [SegmentSpec]
        let theme: Theme
        let liveCode: String?
    }

    /// nil when the favorite is not `userID`'s (or does not exist).
    static func restartable(_ id: Int, userID: String, on conn: PostgresConnection) throws -> Restartable? {
        guard
            let row = try conn.query(
                """
                SELECT CASE WHEN r.id IS NULL THEN f.queue
                            ELSE coalesce((SELECT jsonb_agg(jsonb_build_object('kind', s.kind, 'label', s.label, 'duration', s.duration_sec)
                                           ORDER BY s.position) FROM segments s WHERE s.room_id = r.id), '[]') END,
                       coalesce(r.theme, f.theme),
                       CASE WHEN r.expires_at > now() THEN left(r.code, 3) || '-' || right(r.code, 3) END
                FROM favorite_rooms f LEFT JOIN rooms r ON r.id = f.room_id
                WHERE f.id = $1 AND f.user_id = $2
                """, [id, userID]
            ).first
        else { return nil }
        return Restartable(queue: Self.queue(fromJSON: row.string(0)), theme: Theme(rawValue: row.string(1)) ?? .midnightBloom, liveCode: row[2])
    }

    /// Points the favorite at the room that replaces its expired one, remembering the friends who
    /// were in the old room or invited to it (by this account), to offer them first in the new one.
    static func repoint(_ id: Int, userID: String, roomID: String, code: RoomCode, on conn: PostgresConnection) throws {
        try conn.query(
            """
            UPDATE favorite_rooms f SET room_id = $3, room_code = $4, starred_at = now(),
                invite_again = ARRAY(
                    SELECT fr.friend_id FROM friendships fr
                    WHERE fr.user_id = $2 AND NOT blocked_between($2, fr.friend_id)
                      AND (EXISTS (SELECT 1 FROM participants p WHERE p.room_id = f.room_id AND p.user_id = fr.friend_id)
                           OR EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = fr.friend_id AND n.kind = $5
                                      AND n.actor_id = $2 AND n.subject = f.room_code))
                    LIMIT 200)
            WHERE f.id = $1 AND f.user_id = $2
            """, [id, userID, roomID, code.display, NotificationKind.roomInvite.rawValue])
    }

    /// The kept queue; entries that break today's rules (a length out of range, an unknown kind)
    /// are left out rather than failing the start.
    static func queue(fromJSON text: String) -> [SegmentSpec] {
        guard let data = text.data(using: .utf8), let items = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            return []
        }
        return items.prefix(RoomLimits.maxSegments).compactMap { item in
            guard let kind = (item["kind"] as? String).flatMap(SegmentKind.init(rawValue:)),
                let seconds = item["duration"] as? Int, let duration = try? SegmentDuration(seconds: seconds)
            else { return nil }
            let label = item["label"] as? String
            if kind == .custom && (label ?? "").isEmpty { return nil }
            return SegmentSpec(kind: kind, duration: duration, label: kind == .custom ? label : nil, publicTask: nil)
        }
    }
}
