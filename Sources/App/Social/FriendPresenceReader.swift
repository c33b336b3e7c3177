import Domain
import Foundation
import Postgres
import Redis

/// What friends are doing, for friend lists and the live channel: one statement over the seats
/// rooms already keep (seen in the last minute, the room's timer) and one Redis read of who is
/// signed in and about (`UserPresence`). Nothing is written to answer it.
struct FriendPresenceReader {
    let database: PostgresPool
    let redis: RedisPool?

    /// Seats not seen for longer than this no longer say "away": the person has gone.
    static let awayWindow = 600

    /// Someone as a friend list shows them.
    struct Person: Sendable {
        let username: String
        let displayName: String
        let presence: FriendPresence
    }

    /// The presence of each of `userIDs` (accounts who chose to appear offline are offline).
    func presence(of userIDs: [String]) throws -> [String: FriendPresence] {
        try people(userIDs).mapValues(\.presence)
    }

    /// Each of `userIDs` with their name and presence.
    func people(_ userIDs: [String]) throws -> [String: Person] {
        let ids = userIDs.filter { UUID(uuidString: $0) != nil }
        guard !ids.isEmpty else { return [:] }
        var result: [String: FriendPresence] = [:]
        var names: [String: (String, String)] = [:]
        let rows = try database.query(
            """
            SELECT u.id::text, u.appear_offline, seat.code, seat.status, seat.kind, seat.seconds_left, seat.seen_ago,
                   u.username, u.display_name
            FROM users u
            LEFT JOIN LATERAL (
                SELECT r.code, r.status, s.kind,
                       extract(epoch FROM r.segment_ends_at - now())::float8 AS seconds_left,
                       extract(epoch FROM now() - p.last_seen_at)::float8 AS seen_ago
                FROM participants p
                JOIN rooms r ON r.id = p.room_id AND r.expires_at > now() AND r.status <> 'ended'
                LEFT JOIN segments s ON s.room_id = r.id AND s.position = r.current_segment_index
                WHERE p.user_id = u.id AND p.last_seen_at > now() - make_interval(secs => $2)
                ORDER BY p.last_seen_at DESC LIMIT 1
            ) seat ON true
            WHERE u.id = ANY($1::uuid[])
            """, ["{" + ids.joined(separator: ",") + "}", Self.awayWindow])
        var unplaced: [String] = []
        for row in rows {
            let id = row.string(0)
            names[id] = (row.string(7), row.string(8))
            if row.bool(1) {
                result[id] = .offline
                continue
            }
            if let code = row[2], let seenAgo = row[6].flatMap(Double.init), seenAgo <= Double(RoomStore.onlineWindow) {
                let display = RoomCode(parsing: code)?.display ?? code
                let left = row[5].flatMap(Double.init) ?? 0
                if row[3] == "running", row[4] == "focus", left > 0 {
                    result[id] = .focusing(roomCode: display, minutesLeft: Int((left / 60).rounded(.up)))
                } else {
                    result[id] = .onBreak(roomCode: display)
                }
            } else {
                result[id] = row[2] == nil ? .offline : .away
                unplaced.append(id)
            }
        }
        for id in UserPresence.online(among: unplaced, redis: redis) where result[id] != nil {
            result[id] = .online
        }
        return result.reduce(into: [:]) { out, entry in
            if let name = names[entry.key] { out[entry.key] = Person(username: name.0, displayName: name.1, presence: entry.value) }
        }
    }
}
