import Domain
import Foundation
import Postgres
import Sodium

/// A room row locked for a change, with the participant of the session making it.
struct LockedRoom {
    struct Me {
        let id: String
        let name: String
        let role: ParticipantRole
        let isMuted: Bool
        let isDJ: Bool
        var isHost: Bool { role == .host }
        /// Runs the soundtrack: the host or a DJ.
        var runsSoundtrack: Bool { isHost || isDJ }
    }

    let id: String
    let code: RoomCode
    let status: RoomStatus
    let currentIndex: Int
    let segmentCount: Int
    let msToEnd: Double?
    let pausedRemainingMs: Int?
    let me: Me?
    /// The soundtrack's current queue entry (nil: silent), whether guests may propose tracks,
    /// and whether the current track has ended and the queue must move on first.
    var soundEntryID: String? = nil
    var soundProposals = true
    var soundDue = false
    /// What this transaction credited (the segment it completed, a skip, a leave), for the
    /// leaderboards once it commits.
    var credited = CreditSink()

    var channel: String { "room:\(id)" }

    /// The person acting. On `.participant` and `.host` routes `RoomStore.change` has already
    /// admitted them on this locked row; elsewhere, someone without a seat is refused here.
    func participant() throws(RoomRefusal) -> Me {
        guard let me else { throw .notJoined }
        return me
    }
}

/// What a committed change tells its caller: the result, and the version to announce.
struct Change<T> {
    let result: T
    let channel: String
    /// nil when nothing changed.
    let version: Int?
    /// Whether the timer or the people moved, which can change what friends see of the people
    /// in the room (focusing, on a break, gone).
    var movesPresence = false
    var credits: [FocusCredit] = []

    /// Tells every responder about the new version, the leaderboards about the credit, and the
    /// friends of the people in the room about their new presence.
    func announce(_ services: Services) {
        if let version { services.hub.notify(channel: channel, version: version) }
        if !credits.isEmpty {
            services.leaderboards.record(credits)
            FocusCredit.announceNotices(credits, services: services)
        }
        // Presence is rewritten from room loads (`PresenceMirror`), and nobody else may load the
        // room soon: the actor may not come back to it and nobody else may be watching. Loading
        // it once here tells the friends before this request is answered.
        if version != nil, movesPresence {
            _ = try? RoomReader(services: services).snapshot(id: String(channel.dropFirst("room:".count)))
        }
    }
}

/// SQL for rooms and participants, the snapshot every page is drawn from, and the one way to
/// change a room (`change`), which keeps the writer rule: lock the room, change it, bump
/// `rooms.version` and the changed parts' versions, all in one transaction.
struct RoomStore {
    /// Seconds since last activity before a participant shows as away.
    static let onlineWindow = 60
    /// A viewer's presence is recorded at most this often per participant (and written to
    /// PostgreSQL in the next batch, see `PresenceBuffer`).
    static let touchInterval = 20
    /// Chat messages a page shows (and a snapshot keeps).
    static let messageWindow = 100
    let database: PostgresPool

    /// The columns `room(_:)` reads, in its order.
    static let roomColumns = """
        r.id, r.code, r.theme, r.status, r.version, to_char(r.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        r.current_segment_index, (extract(epoch FROM r.segment_ends_at - now()) * 1000)::float8, r.paused_remaining_ms,
        r.state_v, r.people_v, r.queue_v, r.tasks_v, r.proposals_v, r.chat_v, r.soundtrack_v, r.slow_mode,
        """ + RoomSound.columns
    static let roomColumnCount = 17 + RoomSound.columnCount

    static func room(_ row: PostgresRow) -> Room {
        var parts: [RoomPart: Int] = [:]
        for (offset, part) in RoomPart.shared.enumerated() { parts[part] = row.int(9 + offset) }
        return Room(
            id: row.string(0), code: RoomCode(parsing: row.string(1))!, theme: row.string(2), status: RoomStatus(stored: row.string(3)),
            version: row.int(4), expiresAt: row.string(5), currentIndex: row.int(6),
            msToEndAtLoad: row[7].flatMap(Double.init), pausedRemainingMs: row[8].flatMap { Int($0) }, partVersions: parts,
            slowMode: row.bool(16), sound: RoomSound(row: row, offset: 17))
    }

    /// Creates a room with its host as first participant and the chosen starting queue;
    /// retries on the rare code collision. `then` runs in the same transaction with the new
    /// room's id and code (a favorite started again points at it).
    func create(
        host session: SessionID, hostName: DisplayName, theme: Theme, queue: [SegmentSpec], lifetimeHours: Int,
        then: ((PostgresConnection, String, RoomCode) throws -> Void)? = nil
    ) throws -> RoomCode {
        var attempts = 0
        while true {
            attempts += 1
            let code = RoomCode.random(using: Sodium.randomIndex)
            do {
                return try database.transaction { conn in
                    try SessionStore.touch(session, on: conn)
                    let id = try conn.query(
                        """
                        INSERT INTO rooms (code, theme, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3)) RETURNING id
                        """, [code.value, theme.rawValue, lifetimeHours]
                    ).first!.string(0)
                    try conn.query(
                        """
                        INSERT INTO participants (room_id, session_hash, display_name, role) VALUES ($1, $2, $3, 'host')
                        """, [id, ByteA(session.hash), hostName.value])
                    for (position, spec) in queue.enumerated() {
                        try SegmentStore.insert(spec, roomID: id, position: position, on: conn)
                    }
                    try then?(conn, id, code)
                    return code
                }
            } catch PostgresError.uniqueViolation(let constraint, _) where constraint == "rooms_code_key" && attempts < 5 {
                continue
            }
        }
    }

    /// The live (unexpired) room with this code.
    func find(_ code: RoomCode) throws -> Room? {
        try database.query("SELECT " + Self.roomColumns + " FROM rooms r WHERE r.code = $1 AND r.expires_at > now()", [code.value])
            .first.map(Self.room)
    }

    // MARK: Snapshots

    /// The live room with this code and everything in it: the reads behind every room page and
    /// poll that the cache cannot answer (six statements on one connection).
    func snapshot(_ code: RoomCode) throws -> RoomSnapshot? {
        try snapshot(code: code.value, id: nil)
    }

    /// The same by id, for long-poll wake-ups.
    func snapshot(id: String) throws -> RoomSnapshot? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try snapshot(code: nil, id: id)
    }

    /// By code or by id (the other is NULL, which the planner folds away, so each uses its index).
    private func snapshot(code: String?, id: String?) throws -> RoomSnapshot? {
        try database.withConnection { conn in
            // The room, then one row per participant (none for an empty room), host first.
            let rows = try conn.query(
                "SELECT " + Self.roomColumns + """
                    , extract(epoch FROM r.expires_at - now())::float8,
                    p.id, p.display_name, p.role, p.session_hash, extract(epoch FROM now() - p.last_seen_at)::float8, p.is_muted, p.user_id::text,
                    p.is_dj
                    FROM rooms r LEFT JOIN participants p ON p.room_id = r.id
                    WHERE (r.code = $1 OR r.id = $2::uuid) AND r.expires_at > now()
                    ORDER BY p.role = 'host' DESC, p.joined_at, p.id
                    """, [code, id])
            let loadedAt = DispatchTime.now().uptimeNanoseconds
            guard let first = rows.first else { return nil }
            let c = Self.roomColumnCount
            let room = Self.room(first)
            let members = rows.compactMap { row -> RoomSnapshot.Member? in
                guard row[c + 1] != nil else { return nil }
                return RoomSnapshot.Member(
                    id: row.string(c + 1), name: row.string(c + 2), role: ParticipantRole(stored: row.string(c + 3)),
                    sessionHash: row.bytes(c + 4), idleAtLoad: Double(row.string(c + 5)) ?? 0,
                    isMuted: row.bool(c + 6), userID: row[c + 7], isDJ: row.bool(c + 8))
            }
            let segments = try SegmentStore.segments(roomID: room.id, on: conn)
            let names = Dictionary(members.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            let tasks = try TaskStore.all(roomID: room.id, on: conn, names: names)
            let proposals = try ProposalStore.recent(roomID: room.id, on: conn)
            let messages = try ChatStore.recent(roomID: room.id, limit: Self.messageWindow, on: conn)
            let removals = try RoomSanctions.removals(roomID: room.id, on: conn)
            let soundtrack = try RoomQueueStore.load(roomID: room.id, currentEntryID: room.sound.entryID, on: conn)
            return RoomSnapshot(
                room: room, members: members, segments: segments, tasks: tasks, proposals: proposals,
                messages: messages, loadedAt: loadedAt, secondsToExpiry: Double(first.string(c)) ?? 0,
                removals: removals, soundtrack: soundtrack, djIDs: members.filter(\.isDJ).prefix(SoundtrackLimits.djs).map(\.id))
        }
    }

    /// Current versions of live rooms by id; ids of rooms that are gone are absent.
    func versions(_ ids: [String]) throws -> [String: Int] {
        let valid = ids.filter { UUID(uuidString: $0) != nil }
        guard !valid.isEmpty else { return [:] }
        let rows = try database.query(
            "SELECT id::text, version FROM rooms WHERE id = ANY($1::uuid[]) AND expires_at > now()",
            ["{" + valid.joined(separator: ",") + "}"])
        return Dictionary(rows.map { ($0.string(0), $0.int(1)) }, uniquingKeysWith: { a, _ in a })
    }

    // MARK: Changes

    /// Runs `body` on the locked room in one transaction: first any segment that ended
    /// meanwhile is completed (so nobody acts on a stale timer), then the change; the parts it
    /// reports as changed get the new version. Returns the new version (nil when nothing
    /// changed) for the caller to announce with `LiveHub.notify` after the commit.
    /// `as`: the role the route declares (Routes); the gate checked it on the cached room before
    /// the handler ran, and it is checked again here on the locked row, which is the truth (the
    /// host may have handed over a moment ago through another responder).
    func change<T>(
        _ code: RoomCode, session: SessionID, as role: RoomRole? = nil,
        _ body: (PostgresConnection, LockedRoom) throws -> (T, Set<RoomPart>)
    ) throws -> Change<T> {
        try database.transaction { conn in
            guard var locked = try Self.lock(code: code, session: session, on: conn) else { throw RoomRefusal.noSuchRoom }
            try role?.admit(locked.me?.role, isDJ: locked.me?.isDJ ?? false)
            var parts: Set<RoomPart> = []
            let credited = locked.credited
            if let credits = try TimerStore.completeDue(locked, on: conn) {
                parts.formUnion([.state, .queue])
                credited.add(credits)
            }
            // Likewise a track that ended: the queue moves on before anyone skips or seeks.
            if locked.soundDue, try SoundtrackStore.advanceDue(roomID: locked.id, on: conn) { parts.insert(.soundtrack) }
            if !parts.isEmpty {
                locked = try Self.lock(code: code, session: session, on: conn)!
                locked.credited = credited
            }
            let (result, changed) = try body(conn, locked)
            parts.formUnion(changed)
            return Change(
                result: result, channel: locked.channel, version: parts.isEmpty ? nil : try Self.bump(locked.id, parts: parts, on: conn),
                movesPresence: !parts.isDisjoint(with: [.state, .people]), credits: credited.credits)
        }
    }

    static func lock(code: RoomCode, session: SessionID, on conn: PostgresConnection) throws -> LockedRoom? {
        guard
            let row = try conn.query(
                """
                SELECT r.id, r.status, r.current_segment_index, (extract(epoch FROM r.segment_ends_at - now()) * 1000)::float8,
                       r.paused_remaining_ms, (SELECT count(*) FROM segments s WHERE s.room_id = r.id),
                       p.id, p.display_name, p.role, p.is_muted, p.is_dj,
                       r.sound_entry_id, r.sound_proposals, r.sound_playing AND r.sound_ends_at <= now()
                FROM rooms r LEFT JOIN participants p ON p.room_id = r.id AND p.session_hash = $2
                WHERE r.code = $1 AND r.expires_at > now()
                FOR UPDATE OF r
                """, [code.value, ByteA(session.hash)]
            ).first
        else { return nil }
        let me = row[6].map {
            LockedRoom.Me(id: $0, name: row.string(7), role: ParticipantRole(stored: row.string(8)), isMuted: row.bool(9), isDJ: row.bool(10))
        }
        return LockedRoom(
            id: row.string(0), code: code, status: RoomStatus(stored: row.string(1)), currentIndex: row.int(2), segmentCount: row.int(5),
            msToEnd: row[3].flatMap(Double.init), pausedRemainingMs: row[4].flatMap { Int($0) }, me: me,
            soundEntryID: row[11], soundProposals: row.bool(12), soundDue: row.bool(13))
    }

    /// The room's colour theme (the host's choice).
    static func setTheme(_ roomID: String, _ theme: Theme, on conn: PostgresConnection) throws {
        try conn.query("UPDATE rooms SET theme = $2 WHERE id = $1", [roomID, theme.rawValue])
    }

    /// The host's chat slow mode (on top of the automatic one in big rooms).
    static func setSlowMode(_ roomID: String, _ enabled: Bool, on conn: PostgresConnection) throws {
        try conn.query("UPDATE rooms SET slow_mode = $2 WHERE id = $1", [roomID, enabled])
    }

    /// Locks rooms by id, in id order (so two such locks cannot deadlock), for a change made from
    /// outside the rooms (a private task completed in its list ticks its copies in rooms).
    static func lock(ids: [String], on conn: PostgresConnection) throws {
        guard !ids.isEmpty else { return }
        try conn.query("SELECT id FROM rooms WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE", ["{" + ids.joined(separator: ",") + "}"])
    }

    /// Bumps the room's version, marking `parts` as changed at the new version (one flag per
    /// part, in `RoomPart.shared` order).
    static func bump(_ roomID: String, parts: Set<RoomPart>, on conn: PostgresConnection) throws -> Int {
        try conn.query(
            """
            UPDATE rooms SET version = version + 1,
                state_v = CASE WHEN $2 THEN version + 1 ELSE state_v END,
                people_v = CASE WHEN $3 THEN version + 1 ELSE people_v END,
                queue_v = CASE WHEN $4 THEN version + 1 ELSE queue_v END,
                tasks_v = CASE WHEN $5 THEN version + 1 ELSE tasks_v END,
                proposals_v = CASE WHEN $6 THEN version + 1 ELSE proposals_v END,
                chat_v = CASE WHEN $7 THEN version + 1 ELSE chat_v END,
                soundtrack_v = CASE WHEN $8 THEN version + 1 ELSE soundtrack_v END
            WHERE id = $1 RETURNING version
            """, [roomID] + RoomPart.shared.map { parts.contains($0) }
        ).first!.int(0)
    }

    /// Joins (or renames) this session in the room. Someone joining a room without a host
    /// (everyone left) becomes its host. Someone the host removed (this session or account) is
    /// refused; someone muted comes back muted (`RoomSanctions`).
    func join(_ code: RoomCode, session: SessionID, name: DisplayName) throws -> Change<Void> {
        try change(code, session: session) { conn, room in
            let sanctions = try RoomSanctions.applying(roomID: room.id, session: session, on: conn)
            if room.me == nil && sanctions.contains(.removal) { throw RoomRefusal.removed }
            try SessionStore.touch(session, on: conn)
            try conn.query(
                """
                INSERT INTO participants (room_id, session_hash, display_name, role, is_muted, focus_mark_ms)
                VALUES ($1, $2, $3, CASE WHEN EXISTS (SELECT 1 FROM participants WHERE room_id = $1 AND role = 'host') THEN 'guest' ELSE 'host' END, $4,
                        (SELECT focus_clock_at(focus_clock_ms, focus_since, segment_ends_at, now()) FROM rooms WHERE id = $1))
                ON CONFLICT (room_id, session_hash) DO UPDATE SET display_name = EXCLUDED.display_name, last_seen_at = now(),
                    focus_accrued_ms = participants.focus_accrued_ms + CASE WHEN participants.last_seen_at >= now() - make_interval(secs => $5)
                        THEN greatest(0, EXCLUDED.focus_mark_ms - participants.focus_mark_ms) ELSE 0 END,
                    focus_mark_ms = EXCLUDED.focus_mark_ms
                """, [room.id, ByteA(session.hash), name.value, sanctions.contains(.mute), Self.onlineWindow])
            return ((), [.people, .state])
        }
    }

    /// Leaves the room: the participant and their tasks go, their messages stay under their
    /// name. A host who leaves hands the room to whoever has been there longest.
    func leave(_ code: RoomCode, session: SessionID) throws -> Change<Void> {
        try change(code, session: session) { conn, room in
            let me = try room.participant()
            // Leaving takes the minutes they were there with them.
            let reading = try FocusRun.read(room.id, on: conn)
            room.credited.add(try FocusRun.settle(room.id, end: reading.at, clockMs: reading.clockMs, only: me.id, on: conn))
            try conn.query("DELETE FROM participants WHERE id = $1", [me.id])
            if me.isHost { try Self.promoteSuccessor(roomID: room.id, on: conn) }
            return ((), [.people, .state, .tasks])
        }
    }

    /// Makes the longest-present participant (online ones first) host of a room that has none.
    static func promoteSuccessor(roomID: String, on conn: PostgresConnection) throws {
        try conn.query(
            """
            UPDATE participants SET role = 'host' WHERE id = (
                SELECT id FROM participants WHERE room_id = $1
                ORDER BY last_seen_at > now() - make_interval(secs => $2) DESC, joined_at, id LIMIT 1)
            AND NOT EXISTS (SELECT 1 FROM participants WHERE room_id = $1 AND role = 'host')
            """, [roomID, onlineWindow])
    }

    /// Rooms whose host has been gone for `after` seconds while someone else is here: the
    /// longest-present online participant takes over. Safe in several responders at once
    /// (rows are locked and skipped). Returns the rooms changed with their new versions.
    func handOverFromAbsentHosts(after seconds: Int) throws -> [(channel: String, version: Int)] {
        try database.transaction { conn in
            let rooms = try conn.query(
                """
                SELECT r.id FROM rooms r JOIN participants h ON h.room_id = r.id AND h.role = 'host'
                WHERE r.expires_at > now() AND h.last_seen_at < now() - make_interval(secs => $1)
                  AND EXISTS (SELECT 1 FROM participants g WHERE g.room_id = r.id AND g.role = 'guest'
                              AND g.last_seen_at > now() - make_interval(secs => $2))
                ORDER BY r.id LIMIT 100
                FOR UPDATE OF r SKIP LOCKED
                """, [seconds, Self.onlineWindow])
            var changed: [(String, Int)] = []
            for row in rooms {
                let id = row.string(0)
                // The lock re-reads only the room's row: a responder that handed this room over and
                // committed between our snapshot and our lock left the old host's row in that
                // snapshot. This statement sees the committed state, so a second hand-over finds
                // no absent host and skips the room.
                let demoted = try conn.query(
                    """
                    UPDATE participants SET role = 'guest'
                    WHERE room_id = $1 AND role = 'host' AND last_seen_at < now() - make_interval(secs => $2)
                    """, [id, seconds])
                guard demoted.affectedRows > 0 else { continue }
                try Self.promoteSuccessor(roomID: id, on: conn)
                changed.append(("room:\(id)", try Self.bump(id, parts: [.people, .state], on: conn)))
            }
            return changed
        }
    }

    /// Rooms where someone turned "away" (last seen `onlineWindow` seconds ago) within the last
    /// `window` seconds: their people part is bumped so open pages show it. Runs every `window`
    /// seconds in each responder; a room bumped twice by two responders costs one extra answer.
    func announceNewlyAway(window seconds: Int) throws -> [(channel: String, version: Int)] {
        try database.query(
            """
            UPDATE rooms SET version = version + 1, people_v = version + 1
            WHERE expires_at > now() AND id IN (
                SELECT room_id FROM participants
                WHERE last_seen_at <= now() - make_interval(secs => $1)
                  AND last_seen_at > now() - make_interval(secs => $1 + $2))
            RETURNING id::text, version
            """, [Self.onlineWindow, seconds]
        ).map { ("room:\($0.string(0))", $0.int(1)) }
    }

    /// Writes a batch of presence for one room (`PresenceBuffer`) in one statement: each
    /// participant's `last_seen_at` moves forward to when this process saw them (`secondsAgo`,
    /// measured here, applied to the database's clock), and if anyone in the batch had been
    /// away the people part is bumped, once for the whole batch; when `mayBump` is false (a big
    /// room bumped moments ago, see `PresenceBuffer`) it only reports `cameBack`, and an `owed`
    /// bump is made as soon as it may. Returns whether anyone came back and the new version.
    func flushPresence(
        roomID: String, _ batch: [(participantID: String, secondsAgo: Double)], mayBump: Bool = true,
        owed: Bool = false
    ) throws -> (cameBack: Bool, version: Int?) {
        let valid = batch.filter { UUID(uuidString: $0.participantID) != nil }
        guard !valid.isEmpty || owed, UUID(uuidString: roomID) != nil else { return (false, nil) }
        let row = try database.query(
            """
            WITH seen AS (
                SELECT * FROM unnest($2::uuid[], $3::float8[]) AS s(id, ago)),
            came_back AS (
                SELECT 1 FROM participants p JOIN seen s ON s.id = p.id
                WHERE p.room_id = $1 AND p.last_seen_at < now() - make_interval(secs => $4) AND s.ago < $4),
            moved AS (
                UPDATE participants p SET last_seen_at = now() - make_interval(secs => s.ago),
                    focus_accrued_ms = p.focus_accrued_ms + CASE
                        WHEN p.last_seen_at >= now() - make_interval(secs => s.ago + $4)
                        THEN greatest(0, focus_clock_at(r.focus_clock_ms, r.focus_since, r.segment_ends_at, now() - make_interval(secs => s.ago)) - p.focus_mark_ms)
                        ELSE 0 END,
                    focus_mark_ms = focus_clock_at(r.focus_clock_ms, r.focus_since, r.segment_ends_at, now() - make_interval(secs => s.ago))
                FROM seen s, rooms r
                WHERE p.id = s.id AND p.room_id = $1 AND r.id = $1 AND p.last_seen_at < now() - make_interval(secs => s.ago)),
            bumped AS (
                UPDATE rooms SET version = version + 1, people_v = version + 1
                WHERE id = $1 AND expires_at > now() AND $5 AND ($6 OR EXISTS (SELECT 1 FROM came_back))
                RETURNING version)
            SELECT EXISTS (SELECT 1 FROM came_back), (SELECT version FROM bumped)
            """,
            [
                roomID, "{" + valid.map(\.participantID).joined(separator: ",") + "}",
                "{" + valid.map { String(max(0, $0.secondsAgo)) }.joined(separator: ",") + "}", Self.onlineWindow,
                mayBump, owed,
            ]
        ).first!
        return (row.bool(0), row[1].flatMap { Int($0) })
    }
}
