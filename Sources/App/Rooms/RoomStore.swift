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
    /// True for the participant of the session that asked.
    let isViewer: Bool
    let idleSeconds: Int
}

/// A room with everyone in it, as one page or poll needs it.
struct RoomView: Sendable {
    let room: Room
    let participants: [Participant]

    var viewer: Participant? { participants.first(where: \.isViewer) }
}

/// SQL for rooms and participants. Every change bumps `rooms.version` in the same
/// transaction, which is what long-polls compare against.
struct RoomStore {
    /// Seconds since last activity before a participant shows as away.
    static let onlineWindow = 60
    /// Presence is written at most this often per participant.
    static let touchInterval = 20
    let database: PostgresPool

    /// The columns `room(_:)` reads, in its order; shared by the statements that return rooms.
    static let roomColumns = "r.id, r.code, r.theme, r.status, r.version, to_char(r.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

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
                        RETURNING id, code, theme, status, version,
                                  to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
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
        try database.query(Self.selectRoom + "WHERE r.code = $1 AND r.expires_at > now()", [code.value]).first.map(Self.room)
    }

    static let selectRoom = "SELECT " + roomColumns + " FROM rooms r "

    /// The live room with this code and everyone in it (host first, then by arrival), in one
    /// round trip: this is the query behind every room page and poll.
    func load(_ code: RoomCode, viewer: SessionID?) throws -> RoomView? {
        try load(Self.selectView + "WHERE r.code = $1 AND r.expires_at > now()" + Self.viewOrder, code.value, viewer: viewer)
    }

    /// The same by id, for long-poll snapshots (no viewer).
    func load(id: String) throws -> RoomView? {
        try load(Self.selectView + "WHERE r.id = $1::uuid AND r.expires_at > now()" + Self.viewOrder, id, viewer: nil)
    }

    /// Room columns, then one row per participant ($2: the viewer's session hash).
    static let selectView = "SELECT " + roomColumns + """
        , p.display_name, p.role, p.last_seen_at > now() - make_interval(secs => $3),
        p.session_hash = $2, extract(epoch FROM now() - p.last_seen_at)::int
        FROM rooms r LEFT JOIN participants p ON p.room_id = r.id

        """
    static let viewOrder = " ORDER BY p.role = 'host' DESC, p.joined_at, p.id"

    private func load(_ sql: String, _ key: String, viewer: SessionID?) throws -> RoomView? {
        let rows = try database.query(sql, [key, ByteA(viewer?.hash ?? []), Self.onlineWindow])
        guard let first = rows.first else { return nil }
        let participants = rows.compactMap { row -> Participant? in
            guard row[6] != nil else { return nil }
            return Participant(name: row.string(6), role: row.string(7), online: row.bool(8), isViewer: row.bool(9),
                               idleSeconds: row.int(10))
        }
        return RoomView(room: Self.room(first), participants: participants)
    }

    /// Current versions of live rooms by id; ids of rooms that are gone are absent.
    func versions(_ ids: [String]) throws -> [String: Int] {
        let valid = ids.filter { UUID(uuidString: $0) != nil }
        guard !valid.isEmpty else { return [:] }
        let rows = try database.query("SELECT id::text, version FROM rooms WHERE id = ANY($1::uuid[]) AND expires_at > now()",
                                      ["{" + valid.joined(separator: ",") + "}"])
        return Dictionary(rows.map { ($0.string(0), $0.int(1)) }, uniquingKeysWith: { a, _ in a })
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

    /// Records that this session is still here (at most every `touchInterval`), in one
    /// statement. Returns the new room version when the participant came back from away.
    func touch(room: Room, session: SessionID) throws -> Int? {
        try database.query("""
            WITH old AS (
                SELECT id, last_seen_at AS previous FROM participants
                WHERE room_id = $1 AND session_hash = $2 FOR UPDATE),
            seen AS (
                UPDATE participants p SET last_seen_at = now() FROM old
                WHERE p.id = old.id AND old.previous < now() - make_interval(secs => $4)
                RETURNING old.previous < now() - make_interval(secs => $3) AS came_back)
            UPDATE rooms SET version = version + 1
            WHERE id = $1 AND EXISTS (SELECT 1 FROM seen WHERE came_back)
            RETURNING version
            """, [room.id, ByteA(session.hash), Self.onlineWindow, Self.touchInterval]).first?.int(0)
    }

    static func bumpVersion(_ roomID: String, on conn: PostgresConnection) throws -> Int {
        try conn.query("UPDATE rooms SET version = version + 1 WHERE id = $1 RETURNING version", [roomID]).first!.int(0)
    }
}
