import Domain
import Foundation
import Postgres

/// SQL for a room's soundtrack playback (`rooms.sound_*`, seed 001's isPlaying, currentTrackId,
/// position, updatedAt): stored as "at this moment the track was here", never ticked. The rules
/// of the controls are Domain `SoundtrackTransition`'s; this reads the locked row, asks them and
/// writes the effect. The sweeper moves the queue on when a track ends, with nobody watching.
enum SoundtrackStore {
    /// Applies a control of the host or a DJ. `seenEntry`: the entry their page showed.
    static func control(_ control: SoundtrackControl, seenEntry: String?, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let (state, durationMs) = try Self.state(room.id, on: conn)
        switch try SoundtrackTransition.of(control, seenEntry: seenEntry, from: state) {
        case .nothing:
            return []
        case .start:
            guard let first = try firstUpNext(room.id, on: conn) else { throw SoundtrackRefusal.emptyQueue }
            try set(room.id, entry: first.id, playing: true, positionMs: 0, durationMs: first.durationMs, on: conn)
        case .resume:
            try set(room.id, entry: state.currentEntry, playing: true, positionMs: state.positionMs, durationMs: durationMs, on: conn)
        case .pause(let at):
            try set(room.id, entry: state.currentEntry, playing: false, positionMs: at, durationMs: durationMs, on: conn)
        case .seek(let to):
            try set(room.id, entry: state.currentEntry, playing: state.isPlaying, positionMs: to, durationMs: durationMs, on: conn)
        case .skip(let toNext):
            try toHistory(state.currentEntry!, roomID: room.id, on: conn)
            if toNext, let next = try firstUpNext(room.id, on: conn) {
                try set(room.id, entry: next.id, playing: state.isPlaying, positionMs: 0, durationMs: next.durationMs, on: conn)
            } else {
                try set(room.id, entry: nil, playing: false, positionMs: 0, durationMs: 0, on: conn)
            }
        }
        return [.soundtrack]
    }

    /// The playback of the locked room now, and the current track's length.
    private static func state(_ roomID: String, on conn: PostgresConnection) throws -> (SoundtrackTransition.State, Int) {
        let row = try conn.query(
            """
            SELECT r.sound_entry_id, r.sound_playing, r.sound_position_ms, (extract(epoch FROM now() - r.sound_updated_at) * 1000)::float8,
                   coalesce(t.duration_seconds, 0),
                   (SELECT count(*) FROM room_queue q WHERE q.room_id = r.id AND q.status = 'up_next' AND q.id IS DISTINCT FROM r.sound_entry_id)
            FROM rooms r LEFT JOIN room_queue e ON e.id = r.sound_entry_id LEFT JOIN tracks t ON t.id = e.track_id
            WHERE r.id = $1
            """, [roomID]
        ).first!
        let now = Date()
        let durationMs = row.int(4) * 1000
        let playback = Playback(
            isPlaying: row.bool(1) && row[0] != nil, positionMs: row.int(2),
            updatedAt: now.addingTimeInterval(-(Double(row.string(3)) ?? 0) / 1000), durationMs: durationMs)
        let state = SoundtrackTransition.State(
            currentEntry: row[0], isPlaying: playback.isPlaying, positionMs: playback.position(at: now), durationMs: durationMs,
            upNextCount: row.int(5))
        return (state, durationMs)
    }

    /// If the room's track has ended, moves the queue on (catching up through the tracks that
    /// played since, `QueueCatchUp`); the room falls silent when the queue runs out. Runs on the
    /// locked room (a change, or the sweeper). Returns whether anything moved.
    static func advanceDue(roomID: String, on conn: PostgresConnection) throws -> Bool {
        guard
            let row = try conn.query(
                """
                SELECT sound_entry_id, (extract(epoch FROM now() - sound_ends_at) * 1000)::float8 FROM rooms
                WHERE id = $1 AND sound_playing AND sound_ends_at <= now()
                """, [roomID]
            ).first
        else { return false }
        if let ended = row[0] { try toHistory(ended, roomID: roomID, on: conn) }
        let next = Array(
            try conn.query(
                """
                SELECT q.id, t.duration_seconds FROM room_queue q JOIN tracks t ON t.id = q.track_id
                WHERE q.room_id = $1 AND q.status = 'up_next' ORDER BY q.ord, q.added_at, q.id LIMIT $2
                """, [roomID, SoundtrackLimits.queue]))
        let catchUp = QueueCatchUp(overrunMs: Int(Double(row.string(1)) ?? 0), nextDurationsMs: next.map { $0.int(1) * 1000 })
        for finished in next.prefix(catchUp.finished) { try toHistory(finished.string(0), roomID: roomID, on: conn) }
        if let index = catchUp.current {
            try set(
                roomID, entry: next[index].string(0), playing: true, positionMs: catchUp.positionMs, durationMs: next[index].int(1) * 1000, on: conn)
        } else {
            try set(roomID, entry: nil, playing: false, positionMs: 0, durationMs: 0, on: conn)
        }
        return true
    }

    /// Moves on every room whose track has ended (at most `limit` per call), each announced by
    /// its caller; rooms another responder holds are skipped, so the sweeper runs everywhere at
    /// once and moves each queue once.
    static func sweep(database: PostgresPool, limit: Int = 100) throws -> [(channel: String, version: Int)] {
        try database.transaction { conn in
            let due = try conn.query(
                """
                SELECT id FROM rooms WHERE sound_playing AND sound_ends_at <= now() AND expires_at > now()
                ORDER BY sound_ends_at LIMIT $1
                FOR UPDATE SKIP LOCKED
                """, [limit])
            var moved: [(String, Int)] = []
            for row in due where try advanceDue(roomID: row.string(0), on: conn) {
                moved.append(("room:\(row.string(0))", try RoomStore.bump(row.string(0), parts: [.soundtrack], on: conn)))
            }
            return moved
        }
    }

    /// Locks the rooms whose queue holds `trackID` (in id order), before the library deletes it
    /// and its entries go with it.
    static func lockRoomsQueueing(trackID: String, on conn: PostgresConnection) throws -> [String] {
        let ids = try conn.query("SELECT DISTINCT room_id FROM room_queue WHERE track_id = $1", [trackID]).map { $0.string(0) }
        try RoomStore.lock(ids: ids, on: conn)
        return ids
    }

    /// After a library track left these rooms' queues: one that was playing it falls silent
    /// (its entry is gone), and each is bumped, so every page and poll drops it at once.
    static func trackRemoved(from roomIDs: [String], on conn: PostgresConnection) throws -> [(channel: String, version: Int)] {
        try roomIDs.map { id in
            if try conn.query("SELECT 1 FROM rooms WHERE id = $1 AND sound_entry_id IS NULL", [id]).first != nil {
                try set(id, entry: nil, playing: false, positionMs: 0, durationMs: 0, on: conn)
            }
            return ("room:\(id)", try RoomStore.bump(id, parts: [.soundtrack], on: conn))
        }
    }

    /// How the music follows the timer (the host's or a DJ's choice).
    static func setMode(_ roomID: String, _ mode: SoundtrackMode, on conn: PostgresConnection) throws {
        try conn.query("UPDATE rooms SET sound_mode = $2 WHERE id = $1", [roomID, mode.rawValue])
    }

    /// Whether guests may propose tracks (the host's choice). Proposals already made stay.
    static func setProposals(_ roomID: String, allowed: Bool, on conn: PostgresConnection) throws {
        try conn.query("UPDATE rooms SET sound_proposals = $2 WHERE id = $1", [roomID, allowed])
    }

    /// Writes the playback as of now; while playing, `sound_ends_at` is when the track ends (the
    /// sweeper's index).
    private static func set(
        _ roomID: String, entry: String?, playing: Bool, positionMs: Int, durationMs: Int, on conn: PostgresConnection
    ) throws {
        try conn.query(
            """
            UPDATE rooms SET sound_entry_id = $2, sound_playing = $3, sound_position_ms = $4, sound_updated_at = now(),
                sound_ends_at = CASE WHEN $3 THEN now() + make_interval(secs => greatest($5::bigint - $4::bigint, 0) / 1000.0) END
            WHERE id = $1
            """, [roomID, entry, playing && entry != nil, positionMs, durationMs])
    }

    /// The first track up next (the current one, if any, has gone to history before this is asked).
    private static func firstUpNext(_ roomID: String, on conn: PostgresConnection) throws -> (id: String, durationMs: Int)? {
        try conn.query(
            """
            SELECT q.id, t.duration_seconds FROM room_queue q JOIN tracks t ON t.id = q.track_id
            WHERE q.room_id = $1 AND q.status = 'up_next' ORDER BY q.ord, q.added_at, q.id LIMIT 1
            """, [roomID]
        ).first.map { ($0.string(0), $0.int(1) * 1000) }
    }

    /// The entry has been played: it goes to the top of the history.
    private static func toHistory(_ entryID: String, roomID: String, on conn: PostgresConnection) throws {
        try conn.query(
            """
            UPDATE room_queue SET status = 'played', played_at = now(),
                ord = (SELECT coalesce(max(ord), 0) + 1 FROM room_queue WHERE room_id = $2 AND status = 'played')
            WHERE id = $1 AND room_id = $2
            """, [entryID, roomID])
    }
}
