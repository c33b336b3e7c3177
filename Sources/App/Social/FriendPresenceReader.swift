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
            SELECT id::text, appear_offline, code, status, kind, seconds_left, seen_ago, username, display_name
            FROM friend_seats($1::uuid[], $2)
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
