import Foundation
import Postgres

/// Mutes and removals that outlive a seat (table `room_sanctions`). Leaving deletes a seat and
/// joining again makes a fresh one, so a mute kept only on the seat was shaken off by leaving
/// and rejoining. These are keyed by the session and, when signed in, by the account, for the
/// room's lifetime. Not by client address: addresses are shared (an office or a school behind
/// one NAT, a mobile carrier), so an address-wide removal would shut out people sitting in the
/// same room; the per-address join limit (`RateLimits.joins`) bounds how often a guest can come
/// back with fresh cookies instead, and the host can remove them again.
enum RoomSanctions {
    enum Kind: String { case mute, removal }

    /// The sessions and accounts the host removed from one room (kept in its snapshot, so that a
    /// page view can tell a removed visitor without a query).
    struct Removals: Sendable {
        var sessions: Set<[UInt8]> = []
        var users: Set<String> = []

        var isEmpty: Bool { sessions.isEmpty && users.isEmpty }
    }

    /// Records `kind` against the person in seat `participantID`: their session and account.
    static func record(_ kind: Kind, participantID: String, on conn: PostgresConnection) throws {
        try conn.query(
            """
            INSERT INTO room_sanctions (room_id, kind, session_hash, user_id)
            SELECT room_id, $2, session_hash, user_id FROM participants WHERE id = $1::uuid
            """, [participantID, kind.rawValue])
    }

    /// Lifts the mute of the person in seat `participantID` (by their session and account).
    static func liftMute(participantID: String, on conn: PostgresConnection) throws {
        try conn.query(
            """
            DELETE FROM room_sanctions s USING participants p
            WHERE p.id = $1::uuid AND s.room_id = p.room_id AND s.kind = 'mute'
              AND (s.session_hash = p.session_hash OR s.user_id = p.user_id)
            """, [participantID])
    }

    /// What applies to this session (or the account it is signed in to) in the room.
    static func applying(roomID: String, session: SessionID, on conn: PostgresConnection) throws -> Set<Kind> {
        Set(
            try conn.query(
                """
                SELECT DISTINCT kind FROM room_sanctions
                WHERE room_id = $1 AND (session_hash = $2 OR user_id = (SELECT user_id FROM sessions WHERE id_hash = $2))
                """, [roomID, ByteA(session.hash)]
            ).compactMap { Kind(rawValue: $0.string(0)) })
    }

    /// The room's removals, for its snapshot.
    static func removals(roomID: String, on conn: PostgresConnection) throws -> Removals {
        var removals = Removals()
        for row in try conn.query(
            "SELECT session_hash, user_id::text FROM room_sanctions WHERE room_id = $1 AND kind = 'removal'",
            [roomID])
        {
            removals.sessions.insert(row.bytes(0))
            if let user = row[1] { removals.users.insert(user) }
        }
        return removals
    }

    /// At sign-in the browser's sanctions move to its new session and become the account's, so
    /// signing in (even after leaving the room) does not lift them. Returns the rooms concerned,
    /// whose cached snapshots name the old session.
    static func follow(from old: SessionID, to fresh: SessionID, userID: String, on conn: PostgresConnection) throws -> Set<String> {
        Set(
            try conn.query(
                """
                UPDATE room_sanctions SET session_hash = $2, user_id = coalesce(user_id, $3::uuid) WHERE session_hash = $1
                RETURNING room_id::text
                """, [ByteA(old.hash), ByteA(fresh.hash), userID]
            ).map { $0.string(0) })
    }
}
