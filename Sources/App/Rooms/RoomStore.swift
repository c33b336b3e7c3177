import Domain
import Foundation
import Postgres
import Sodium

struct Room: Sendable {
    let id: String
    let code: RoomCode
    let theme: String
    let status: String
    let version: Int
    let expiresAt: String

    var channel: String { "room:\(id)" }

    func with(version: Int) -> Room {
        Room(id: id, code: code, theme: theme, status: status, version: version, expiresAt: expiresAt)
    }
}

struct Participant: Sendable {
    let name: String
    let role: String
    let online: Bool
    let sessionHash: [UInt8]
}

/// SQL for rooms and participants. Every change bumps `rooms.version` in the same
/// transaction, which is what long-polls compare against.
struct RoomStore {
    /// Seconds since last activity before a participant shows as away.
    static let onlineWindow = 60
    let database: PostgresPool

    static let roomColumns = "id, code, theme, status, version, to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

    static func room(_ row: PostgresRow) -> Room {
        Room(id: row.string(0), code: RoomCode(parsing: row.string(1))!, theme: row.string(2), status: row.string(3),
             version: row.int(4), expiresAt: row.string(5))
    }

    /// Creates a room with its host as first participant; retries on the rare code collision.
    func create(host session: SessionID, hostName: DisplayName, lifetimeHours: Int) throws -> Room {
        var attempts = 0
        while true {
            attempts += 1
            let code = RoomCode.random(using: Sodium.randomIndex)
            do {
                return try database.transaction { conn in
                    try SessionStore(database: database).touch(session, on: conn)
                    // Creates the room; its host is the creating session.
                    let room = Self.room(try conn.query("""
                        INSERT INTO rooms (code, host_session, expires_at)
                        VALUES ($1, $2, now() + make_interval(hours => $3))
                        RETURNING \(Self.roomColumns)
                        """, [code.value, ByteA(session.hash), lifetimeHours]).first!)
                    try conn.query("""
                        INSERT INTO participants (room_id, session_hash, display_name, role) VALUES ($1, $2, $3, 'host')
                        """, [room.id, ByteA(session.hash), hostName.value])
                    return room
                }
            } catch PostgresError.uniqueViolation(let constraint, _) where constraint == "rooms_code_key" && attempts < 5 {
                continue
            }
        }
    }

    /// The live (unexpired) room with this code.
    func find(_ code: RoomCode) throws -> Room? {
        try database.query("SELECT \(Self.roomColumns) FROM rooms WHERE code = $1 AND expires_at > now()", [code.value])
            .first.map(Self.room)
    }

    /// The room by id, for long-poll snapshots.
    func find(id: String) throws -> Room? {
        try database.query("SELECT \(Self.roomColumns) FROM rooms WHERE id = $1::uuid AND expires_at > now()", [id])
            .first.map(Self.room)
    }

    /// Everyone who joined, host first, then by arrival.
    func participants(of roomID: String) throws -> [Participant] {
        try database.query("""
            SELECT display_name, role, last_seen_at > now() - make_interval(secs => $2), session_hash
            FROM participants WHERE room_id = $1 ORDER BY role = 'host' DESC, joined_at, id
            """, [roomID, Self.onlineWindow]).map {
            Participant(name: $0.string(0), role: $0.string(1), online: $0.bool(2), sessionHash: $0.bytes(3))
        }
    }

    /// Joins (or renames) this session in the room; returns the new room version.
    func join(room: Room, session: SessionID, name: DisplayName) throws -> Int {
        try database.transaction { conn in
            try SessionStore(database: database).touch(session, on: conn)
            try conn.query("""
                INSERT INTO participants (room_id, session_hash, display_name, role) VALUES ($1, $2, $3, 'guest')
                ON CONFLICT (room_id, session_hash) DO UPDATE SET display_name = EXCLUDED.display_name, last_seen_at = now()
                """, [room.id, ByteA(session.hash), name.value])
            return try Self.bumpVersion(room.id, on: conn)
        }
    }

    /// Records that this session is still here (at most every 20 s), in one statement. Returns
    /// the new room version when the participant came back from away, so others see it.
    func touch(room: Room, session: SessionID) throws -> Int? {
        if session.isNew { return nil }
        return try database.query("""
            WITH old AS (
                SELECT id, last_seen_at AS previous FROM participants
                WHERE room_id = $1 AND session_hash = $2 FOR UPDATE),
            seen AS (
                UPDATE participants p SET last_seen_at = now() FROM old
                WHERE p.id = old.id AND old.previous < now() - interval '20 seconds'
                RETURNING old.previous < now() - make_interval(secs => $3) AS came_back)
            UPDATE rooms SET version = version + 1
            WHERE id = $1 AND EXISTS (SELECT 1 FROM seen WHERE came_back)
            RETURNING version
            """, [room.id, ByteA(session.hash), Self.onlineWindow]).first?.int(0)
    }

    static func bumpVersion(_ roomID: String, on conn: PostgresConnection) throws -> Int {
        try conn.query("UPDATE rooms SET version = version + 1 WHERE id = $1 RETURNING version", [roomID]).first!.int(0)
    }
}
