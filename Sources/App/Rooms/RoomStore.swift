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

/// A participant as shown to one viewer at one moment.
struct Participant: Sendable {
    let name: String
    let role: String
    let online: Bool
    /// True for the participant of the session that asked.
    let isViewer: Bool
    let idleSeconds: Int
}

/// A room with everyone in it, as one page or poll shows it to one viewer.
struct RoomView: Sendable {
    let room: Room
    let participants: [Participant]

    var viewer: Participant? { participants.first(where: \.isViewer) }
}

/// A room and its participants as loaded, independent of who looks at it, so one load can
/// serve every viewer (RoomCache). Idle times are kept relative to the load, which makes them
/// immune to clock differences between this host and the database's.
struct RoomSnapshot: Sendable {
    struct Member: Sendable {
        let name: String
        let role: String
        let sessionHash: [UInt8]
        let idleAtLoad: Double
    }

    let room: Room
    let members: [Member]
    let loadedAt: UInt64
    /// Measured by the database at load time, like the idle times.
    let secondsToExpiry: Double

    var isExpired: Bool { age >= secondsToExpiry }

    var age: Double { Double(DispatchTime.now().uptimeNanoseconds - loadedAt) / 1e9 }

    func contains(_ session: SessionID) -> Bool {
        members.contains { $0.sessionHash == session.hash }
    }

    func view(for session: SessionID?) -> RoomView {
        let elapsed = age
        return RoomView(room: room, participants: members.map { member in
            let idle = max(0, member.idleAtLoad + elapsed)
            return Participant(name: member.name, role: member.role, online: idle < Double(RoomStore.onlineWindow),
                               isViewer: session.map { $0.hash == member.sessionHash } ?? false, idleSeconds: Int(idle))
        })
    }

    /// The same snapshot with this session seen just now.
    func seen(_ session: SessionID) -> RoomSnapshot {
        let elapsed = age
        return RoomSnapshot(room: room, members: members.map {
            $0.sessionHash == session.hash ? Member(name: $0.name, role: $0.role, sessionHash: $0.sessionHash, idleAtLoad: -elapsed) : $0
        }, loadedAt: loadedAt, secondsToExpiry: secondsToExpiry)
    }
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
                    try SessionStore.touch(session, on: conn)
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
    /// round trip: the query behind every room page and poll that the cache cannot answer.
    func snapshot(_ code: RoomCode) throws -> RoomSnapshot? {
        try snapshot(Self.selectSnapshot + "WHERE r.code = $1 AND r.expires_at > now()" + Self.snapshotOrder, code.value)
    }

    /// The same by id, for long-poll wake-ups.
    func snapshot(id: String) throws -> RoomSnapshot? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try snapshot(Self.selectSnapshot + "WHERE r.id = $1::uuid AND r.expires_at > now()" + Self.snapshotOrder, id)
    }

    /// Room columns, then one row per participant (none for an empty room).
    static let selectSnapshot = "SELECT " + roomColumns + """
        , p.display_name, p.role, p.session_hash, extract(epoch FROM now() - p.last_seen_at)::float8,
        extract(epoch FROM r.expires_at - now())::float8
        FROM rooms r LEFT JOIN participants p ON p.room_id = r.id

        """
    static let snapshotOrder = " ORDER BY p.role = 'host' DESC, p.joined_at, p.id"

    private func snapshot(_ sql: String, _ key: String) throws -> RoomSnapshot? {
        let rows = try database.query(sql, [key])
        let loadedAt = DispatchTime.now().uptimeNanoseconds
        guard let first = rows.first else { return nil }
        let members = rows.compactMap { row -> RoomSnapshot.Member? in
            guard row[6] != nil else { return nil }
            return RoomSnapshot.Member(name: row.string(6), role: row.string(7), sessionHash: row.bytes(8),
                                       idleAtLoad: Double(row.string(9)) ?? 0)
        }
        return RoomSnapshot(room: Self.room(first), members: members, loadedAt: loadedAt,
                            secondsToExpiry: Double(first.string(10)) ?? 0)
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
            try SessionStore.touch(session, on: conn)
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
