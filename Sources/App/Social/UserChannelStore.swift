import Foundation
import Postgres

/// SQL behind the live channel: what one person's channel says, the channels' versions, and
/// whose channels a change of someone's presence must wake.
struct UserChannelStore {
    let database: PostgresPool

    /// What the header and the channel show: each count stops at 100 ("99+"), so a flood costs
    /// the same as a few.
    struct Glance: Sendable {
        let version: Int
        let notifications: Int
        let messages: Int
        let requests: Int
        /// Those of the asked-about people who are friends now.
        let friends: Set<String>
    }

    private static func uuidArray(_ ids: [String]) -> String {
        "{" + ids.filter { UUID(uuidString: $0) != nil }.joined(separator: ",") + "}"
    }

    /// Each person's channel version and counts, and which of the people asked about are their
    /// friends now, for many people at once in one statement (over partial indexes and the
    /// friendships key): a wake-up of a thousand friends' channels costs four round trips, not a
    /// thousand.
    func glances(_ asks: [(userID: String, people: [String])]) throws -> [String: Glance] {
        let valid = asks.filter { UUID(uuidString: $0.userID) != nil }
        guard !valid.isEmpty else { return [:] }
        var result: [String: Glance] = [:]
        let rows = try database.query(
            """
            SELECT u.id::text, u.live_v,
                   (SELECT count(*) FROM (SELECT 1 FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL
                                          AND n.kind <> 'direct_message' LIMIT 100) x),
                   (SELECT coalesce(sum(c), 0) FROM (SELECT n.count AS c FROM notifications n WHERE n.user_id = u.id
                                          AND n.read_at IS NULL AND n.kind = 'direct_message' LIMIT 100) y),
                   (SELECT count(*) FROM (SELECT 1 FROM friend_requests r WHERE r.to_id = u.id AND r.status = 'pending' LIMIT 100) z),
                   (SELECT string_agg(f.friend_id::text, ',') FROM friendships f
                    WHERE f.user_id = u.id AND f.friend_id = ANY (string_to_array(q.people, ',')::uuid[]))
            FROM unnest($1::uuid[], $2::text[]) AS q(id, people) JOIN users u ON u.id = q.id
            """,
            [
                Self.uuidArray(valid.map(\.userID)),
                "{" + valid.map { "\"" + $0.people.filter { UUID(uuidString: $0) != nil }.joined(separator: ",") + "\"" }.joined(separator: ",")
                    + "}",
            ])
        for row in rows {
            result[row.string(0)] = Glance(
                version: row.int(1), notifications: row.int(2), messages: min(100, row.int(3)), requests: row.int(4),
                friends: Set((row[5] ?? "").split(separator: ",").map(String.init)))
        }
        return result
    }

    /// Stored versions of many channels (the hub's re-check while Redis is away).
    func versions(_ userIDs: [String]) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for row in try database.query("SELECT id::text, live_v FROM users WHERE id = ANY($1::uuid[])", [Self.uuidArray(userIDs)]) {
            result[row.string(0)] = row.int(1)
        }
        return result
    }

    /// (friend to wake, person who changed, the friend's stored channel version) for everyone
    /// whose presence changed, leaving out people who appear offline. Bounded: a crowd changing
    /// at once wakes at most this many.
    func watchers(of changed: [String]) throws -> [(viewer: String, subject: String, stored: Int)] {
        try database.query(
            """
            SELECT f.friend_id::text, f.user_id::text, v.live_v
            FROM friendships f JOIN users u ON u.id = f.user_id JOIN users v ON v.id = f.friend_id
            WHERE f.user_id = ANY($1::uuid[]) AND NOT u.appear_offline
            LIMIT 200000
            """, [Self.uuidArray(changed)]
        ).map { ($0.string(0), $0.string(1), $0.int(2)) }
    }

    /// Every friend of `userID` who does not appear offline, and whether they hold a seat seen in
    /// the last minute (an index probe each on `participants (user_id, last_seen_at)`).
    func friendsWithSeats(_ userID: String) throws -> [(id: String, seated: Bool)] {
        try database.query(
            """
            SELECT f.friend_id::text, EXISTS (
                SELECT 1 FROM participants p JOIN rooms r ON r.id = p.room_id AND r.expires_at > now()
                WHERE p.user_id = f.friend_id AND p.last_seen_at > now() - make_interval(secs => $2))
            FROM friendships f JOIN users u ON u.id = f.friend_id
            WHERE f.user_id = $1 AND NOT u.appear_offline
            """, [userID, RoomStore.onlineWindow]
        ).map { ($0.string(0), $0.bool(1)) }
    }
}
