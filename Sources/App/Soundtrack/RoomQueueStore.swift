import Domain
import Foundation
import Postgres

/// SQL for `room_queue`: a room's tracks up next, played (history) and proposed, with who added
/// each. Every statement names the room, so an entry of another room reads like a missing one
/// (404). Changes run inside `RoomStore.change`, on the locked room; the current entry (the rooms
/// row's `sound_entry_id`) always has the lowest `ord` up next, and moves never pass it.
enum RoomQueueStore {
    /// The queue a snapshot shows: the current entry, then per status the first ones in order
    /// (history newest first), with each status's total, in one statement.
    static func load(roomID: String, currentEntryID: String?, on conn: PostgresConnection) throws -> SoundtrackQueue {
        let rows = try conn.query(
            "SELECT " + Track.columns + """
                , q.id, q.status, q.added_by_name, q.added_by_participant, q.total
                FROM (SELECT q.*, count(*) OVER (PARTITION BY q.status) AS total,
                             row_number() OVER (PARTITION BY q.status
                                 ORDER BY CASE WHEN q.status = 'played' THEN -q.ord ELSE q.ord END, q.added_at, q.id) AS n
                      FROM room_queue q WHERE q.room_id = $1) q
                JOIN tracks t ON t.id = q.track_id
                WHERE (q.status = 'played' AND q.n <= $2) OR (q.status = 'up_next' AND q.n <= $3) OR (q.status = 'proposed' AND q.n <= $4)
                ORDER BY q.status, q.n
                """, [roomID, SoundtrackLimits.historyShown, SoundtrackLimits.upNextShown + 1, SoundtrackLimits.proposalsShown])
        var queue = SoundtrackQueue()
        for row in rows {
            let entry = SoundtrackQueue.Entry(
                id: row.string(10), status: QueueEntryStatus(stored: row.string(11)), track: Track(row: row),
                addedBy: row.string(12), addedByParticipant: row[13])
            switch entry.status {
            case .upNext where entry.id == currentEntryID:
                queue.current = entry
            case .upNext:
                queue.upNext.append(entry)
                queue.upNextTotal = row.int(14) - (currentEntryID == nil ? 0 : 1)
            case .played:
                queue.history.append(entry)
                queue.historyTotal = row.int(14)
            case .proposed:
                queue.proposed.append(entry)
                queue.proposedTotal = row.int(14)
            }
        }
        queue.upNext = Array(queue.upNext.prefix(SoundtrackLimits.upNextShown))
        return queue
    }

    /// Adds tracks in the order given: up next when the host or a DJ adds them, as proposals
    /// when a guest does (if the host takes proposals). Tracks without a known length (live
    /// streams) cannot be played in step and are left out; `nothing` says why when none is left.
    /// Over the queue's or a guest's limit, nothing is added.
    static func add(_ trackIDs: [String], nothing: String, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let me = try room.participant()
        let status: QueueEntryStatus = me.runsSoundtrack ? .upNext : .proposed
        if status == .proposed && !room.soundProposals { throw SoundtrackRefusal.proposalsOff }
        let ids = trackIDs.filter { UUID(uuidString: $0) != nil }
        let added = try conn.query(
            """
            INSERT INTO room_queue (room_id, track_id, ord, status, added_by_participant, added_by, added_by_name)
            SELECT $1, t.id, (SELECT coalesce(max(ord), 0) FROM room_queue WHERE room_id = $1 AND status = $3) + x.n, $3, $4,
                   (SELECT user_id FROM participants WHERE id = $4), $5
            FROM unnest($2::uuid[]) WITH ORDINALITY AS x(id, n) JOIN tracks t ON t.id = x.id AND t.duration_seconds > 0
            RETURNING id
            """, [room.id, "{" + ids.joined(separator: ",") + "}", status.rawValue, me.id, me.name]
        ).count
        guard added > 0 else { throw SoundtrackRefusal.invalid(nothing) }
        let counts = try conn.query(
            """
            SELECT count(*) FILTER (WHERE status <> 'played'), count(*) FILTER (WHERE status = 'proposed' AND added_by_participant = $2)
            FROM room_queue WHERE room_id = $1
            """, [room.id, me.id]
        ).first!
        if counts.int(0) > SoundtrackLimits.queue {
            throw SoundtrackRefusal.invalid(
                "The queue holds at most \(SoundtrackLimits.queue) tracks, and this would make it \(counts.int(0)). Nothing was added.")
        }
        if status == .proposed && counts.int(1) > SoundtrackLimits.pendingPerGuest {
            throw SoundtrackRefusal.invalid(
                "You may have at most \(SoundtrackLimits.pendingPerGuest) tracks waiting for the host or a DJ. Nothing was added.")
        }
        return [.soundtrack]
    }

    /// A guest's proposal goes up next, at the end.
    static func accept(_ id: String, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        guard try entry(id, room: room, on: conn).status == .proposed else {
            throw SoundtrackRefusal.conflict("That track is not a proposal any more.")
        }
        try conn.query(
            """
            UPDATE room_queue SET status = 'up_next',
                ord = (SELECT coalesce(max(ord), 0) + 1 FROM room_queue WHERE room_id = $2 AND status = 'up_next')
            WHERE id = $1
            """, [id, room.id])
        return [.soundtrack]
    }

    /// A guest's proposal is turned down: it goes.
    static func reject(_ id: String, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        guard try entry(id, room: room, on: conn).status == .proposed else {
            throw SoundtrackRefusal.conflict("That track is not a proposal any more.")
        }
        try conn.query("DELETE FROM room_queue WHERE id = $1", [id])
        return [.soundtrack]
    }

    /// A track up next (not the current one) or a proposal leaves the queue.
    static func remove(_ id: String, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let found = try entry(id, room: room, on: conn)
        if found.status == .played { throw SoundtrackRefusal.conflict("That track was played already; the history stays as it is.") }
        if id == room.soundEntryID { throw SoundtrackRefusal.conflict("That track is playing now: skip it instead.") }
        try conn.query("DELETE FROM room_queue WHERE id = $1", [id])
        return [.soundtrack]
    }

    /// A track up next changes places with its neighbour; the current track stays first.
    static func move(_ id: String, _ move: QueueMove, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let found = try entry(id, room: room, on: conn)
        guard found.status == .upNext, id != room.soundEntryID else {
            throw SoundtrackRefusal.conflict(
                id == room.soundEntryID ? "That track is playing now and stays where it is." : "Only tracks up next can move.")
        }
        let neighbour =
            move == .up
            ? try conn.query(
                """
                SELECT id, ord FROM room_queue WHERE room_id = $1 AND status = 'up_next' AND id <> $2 AND id IS DISTINCT FROM $3
                  AND (ord, added_at, id) < ($4, $5::timestamptz, $2::uuid)
                ORDER BY ord DESC, added_at DESC, id DESC LIMIT 1
                """, [room.id, id, room.soundEntryID, found.ord, found.addedAt]
            ).first
            : try conn.query(
                """
                SELECT id, ord FROM room_queue WHERE room_id = $1 AND status = 'up_next' AND id <> $2 AND id IS DISTINCT FROM $3
                  AND (ord, added_at, id) > ($4, $5::timestamptz, $2::uuid)
                ORDER BY ord, added_at, id LIMIT 1
                """, [room.id, id, room.soundEntryID, found.ord, found.addedAt]
            ).first
        guard let neighbour else {
            throw SoundtrackRefusal.conflict(move == .up ? "That track is already the next one." : "That track is already the last one.")
        }
        // Equal orders (never made here, but harmless) still swap: the moved one passes its neighbour.
        let (mine, theirs) = (found.ord, neighbour.int(1))
        let (newMine, newTheirs) = mine == theirs ? (move == .up ? (mine - 1, mine) : (mine + 1, mine)) : (theirs, mine)
        try conn.query(
            "UPDATE room_queue SET ord = CASE WHEN id = $1 THEN $3::int ELSE $4::int END WHERE id IN ($1, $2)",
            [id, neighbour.string(0), newMine, newTheirs])
        return [.soundtrack]
    }

    /// The entry with this id in this room, locked; `notFound` for anything else.
    private static func entry(
        _ id: String, room: LockedRoom, on conn: PostgresConnection
    ) throws -> (
        status: QueueEntryStatus, ord: Int, addedAt: String
    ) {
        guard UUID(uuidString: id) != nil,
            let row = try conn.query(
                "SELECT status, ord, added_at::text FROM room_queue WHERE id = $1 AND room_id = $2 FOR UPDATE", [id, room.id]
            ).first
        else { throw SoundtrackRefusal.notFound }
        return (QueueEntryStatus(stored: row.string(0)), row.int(1), row.string(2))
    }
}
