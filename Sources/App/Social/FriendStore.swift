import Domain
import Foundation
import Postgres

/// SQL for friendships, friend requests and blocks (migrations 011 and 012). Every change to a
/// pair locks both people's `users` rows first, in id order (`lockPair`): requests, answers,
/// unfriending and blocking between the same two people run one at a time, and a sender's
/// counts ("20 a day", "100 waiting") are read with no other request of theirs in flight, so
/// they are exact under concurrency. Each change moves the live channels of the people whose
/// lists it changed, and returns those announcements for after the commit.
struct FriendStore {
    let database: PostgresPool

    typealias Announcements = [(channel: String, version: Int)]

    /// A proven account, as friend lists show it.
    struct Person: Sendable {
        let id: String
        let username: String
        let displayName: String
    }

    /// A waiting request and the other person in it.
    struct Pending: Sendable {
        let id: Int
        let other: Person
    }

    /// The friends page's lists (`overview`), each as (its order, item) pairs as read.
    struct Overview: Sendable {
        var friends: [(Int, Person)] = []
        var friendCount = 0
        var incoming: [(Int, Pending)] = []
        var incomingTotal = 0
        var outgoing: [(Int, Pending)] = []
        var outgoingTotal = 0
        var blocked: [(Int, Person)] = []
    }

    /// What sending a request did.
    enum Sent {
        /// A new request, waiting for `to`.
        case requested(id: Int, to: Person)
        /// `to` had already asked: their request was accepted and the two are friends.
        case accepted(to: Person)
    }

    // MARK: - Finding people

    /// The proven account with this username (any case), or nil.
    func person(username: String, on conn: PostgresConnection? = nil) throws -> Person? {
        let sql = """
            SELECT id, username, display_name FROM users WHERE lower(username) = lower($1) AND email_verified_at IS NOT NULL
            """
        let rows = try conn.map { try $0.query(sql, [username]) } ?? database.query(sql, [username])
        return rows.first.map(Self.person)
    }

    /// The account behind participant `participantID` of the room `code`, when `viewerID` also
    /// has a seat there: `noSharedRoom` when not (or no such seat), `guestParticipant` when that
    /// seat has no account.
    func roomPerson(code: String, participantID: String, viewerID: String) throws -> Person {
        guard UUID(uuidString: participantID) != nil else { throw FriendRefusal.noSharedRoom }
        guard
            let row = try database.query(
                """
                SELECT p.user_id IS NOT NULL, u.id, u.username, u.display_name
                FROM rooms r JOIN participants p ON p.room_id = r.id
                LEFT JOIN users u ON u.id = p.user_id AND u.email_verified_at IS NOT NULL
                WHERE r.code = $1 AND r.expires_at > now() AND p.id = $2::uuid
                  AND EXISTS (SELECT 1 FROM participants mine WHERE mine.room_id = r.id AND mine.user_id = $3)
                """, [code, participantID, viewerID]
            ).first
        else { throw FriendRefusal.noSharedRoom }
        guard row.bool(0), row[1] != nil else { throw FriendRefusal.guestParticipant }
        return Person(id: row.string(1), username: row.string(2), displayName: row.string(3))
    }

    /// What `other` is to `viewer` (one statement).
    func relation(of viewerID: String, to otherID: String) throws -> FriendRelation {
        guard
            let row = try database.query(
                """
                SELECT are_friends($1, $2),
                       (SELECT id FROM friend_requests WHERE from_id = $1 AND to_id = $2 AND status = 'pending'),
                       (SELECT id FROM friend_requests WHERE from_id = $2 AND to_id = $1 AND status = 'pending'),
                       EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = $1 AND blocked_id = $2),
                       EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = $2 AND blocked_id = $1)
                """, [viewerID, otherID]
            ).first
        else { return .none }
        return FriendRelation(
            friends: row.bool(0), sentID: row[1].flatMap { Int($0) }, receivedID: row[2].flatMap { Int($0) }, youBlocked: row.bool(3),
            blockedYou: row.bool(4))
    }

    /// Whether the two are friends.
    func areFriends(_ a: String, _ b: String) throws -> Bool {
        try database.query("SELECT are_friends($1, $2)", [a, b]).first?.bool(0) ?? false
    }

    // MARK: - Requests

    /// Sends a request from `me` to `to`. If `to` had already asked `me`, that request is
    /// accepted instead (two people asking each other at once end as one friendship: the second
    /// waits for the first's lock, then finds its request). Throws a `FriendRefusal` for
    /// everything the rules refuse, limits last.
    func request(from me: String, to target: Person, now: Date = Date()) throws -> (Sent, Announcements) {
        guard me != target.id else { throw FriendRefusal.yourself }
        return try database.transaction { conn in
            try Self.lockPair(me, target.id, on: conn)
            guard
                let state = try conn.query(
                    """
                    SELECT EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = $1 AND blocked_id = $2),
                           EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = $2 AND blocked_id = $1),
                           are_friends($1, $2),
                           (SELECT id FROM friend_requests WHERE from_id = $1 AND to_id = $2 AND status = 'pending'),
                           (SELECT id FROM friend_requests WHERE from_id = $2 AND to_id = $1 AND status = 'pending'),
                           (SELECT extract(epoch FROM max(decided_at))::float8 FROM friend_requests
                             WHERE from_id = $1 AND to_id = $2 AND status = 'declined'),
                           (SELECT count(*) FROM friend_requests WHERE from_id = $1 AND status = 'pending'),
                           (SELECT coalesce(string_agg(extract(epoch FROM created_at)::float8::text, ','), '') FROM friend_requests
                             WHERE from_id = $1 AND created_at > now() - interval '1 day')
                    """, [me, target.id]
                ).first
            else { throw FriendRefusal.noSuchPerson }
            if state.bool(0) { throw FriendRefusal.youBlocked }
            if state.bool(1) { throw FriendRefusal.blocked }
            if state.bool(2) { throw FriendRefusal.alreadyFriends }
            if state[3] != nil { throw FriendRefusal.alreadyRequested }
            if let theirs = state[4].flatMap({ Int($0) }) {
                let announcements = try Self.accept(theirs, requester: target.id, accepter: me, on: conn)
                return (.accepted(to: target), announcements)
            }
            let recent = state.string(7).split(separator: ",").compactMap { Double($0) }.map { Date(timeIntervalSince1970: $0) }
            let declinedAt = state[5].flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
            if let refusal = FriendLimits.refusal(recent: recent, pending: state.int(6), declinedAt: declinedAt, now: now) {
                throw refusal
            }
            let id = try conn.query(
                "INSERT INTO friend_requests (from_id, to_id) VALUES ($1, $2) RETURNING id", [me, target.id]
            ).first!.int(0)
            var announcements = try NotificationStore.add(to: target.id, kind: .friendRequest, actor: me, subject: String(id), on: conn)
            announcements += try UserChannel.bump([me], on: conn)
            return (.requested(id: id, to: target), announcements)
        }
    }

    /// Accepts request `id` waiting for `me`; `noSuchRequest` for anyone else's or a decided one.
    func accept(_ id: Int, by me: String) throws -> (Person, Announcements) {
        try database.transaction { conn in
            let requester = try Self.waiting(id, for: me, incoming: true, on: conn)
            try Self.lockPair(me, requester.id, on: conn)
            let announcements = try Self.accept(id, requester: requester.id, accepter: me, on: conn)
            return (requester, announcements)
        }
    }

    /// Declines request `id` waiting for `me` (its sender may not ask again for 30 days).
    func decline(_ id: Int, by me: String) throws -> (Person, Announcements) {
        try decide(id, by: me, status: .declined, incoming: true)
    }

    /// Cancels request `id` that `me` sent.
    func cancel(_ id: Int, by me: String) throws -> (Person, Announcements) {
        try decide(id, by: me, status: .cancelled, incoming: false)
    }

    private func decide(_ id: Int, by me: String, status: FriendRequestStatus, incoming: Bool) throws -> (Person, Announcements) {
        try database.transaction { conn in
            let person = try Self.waiting(id, for: me, incoming: incoming, on: conn)
            try Self.lockPair(me, person.id, on: conn)
            let changed = try conn.query(
                "UPDATE friend_requests SET status = $2, decided_at = now() WHERE id = $1 AND status = 'pending'", [id, status.rawValue]
            ).affectedRows
            guard changed == 1 else { throw FriendRefusal.noSuchRequest }
            let (from, to) = incoming ? (person.id, me) : (me, person.id)
            try Self.forgetRequestNotice(from: from, to: to, on: conn)
            return (person, try UserChannel.bump([me, person.id], on: conn))
        }
    }

    /// The other person of request `id` when it waits and `me` received it (`incoming`) or sent it.
    private static func waiting(_ id: Int, for me: String, incoming: Bool, on conn: PostgresConnection) throws -> Person {
        let sql =
            incoming
            ? """
            SELECT u.id, u.username, u.display_name FROM friend_requests r JOIN users u ON u.id = r.from_id
            WHERE r.id = $1 AND r.to_id = $2 AND r.status = 'pending'
            """
            : """
            SELECT u.id, u.username, u.display_name FROM friend_requests r JOIN users u ON u.id = r.to_id
            WHERE r.id = $1 AND r.from_id = $2 AND r.status = 'pending'
            """
        guard let row = try conn.query(sql, [id, me]).first else { throw FriendRefusal.noSuchRequest }
        return person(row)
    }

    /// Marks request `id` accepted and writes the friendship (both rows); tells the requester.
    private static func accept(_ id: Int, requester: String, accepter: String, on conn: PostgresConnection) throws -> Announcements {
        let changed = try conn.query(
            "UPDATE friend_requests SET status = 'accepted', decided_at = now() WHERE id = $1 AND status = 'pending'", [id]
        ).affectedRows
        guard changed == 1 else { throw FriendRefusal.noSuchRequest }
        try conn.query(
            "INSERT INTO friendships (user_id, friend_id) VALUES ($1, $2), ($2, $1) ON CONFLICT DO NOTHING", [requester, accepter])
        try forgetRequestNotice(from: requester, to: accepter, on: conn)
        var announcements = try NotificationStore.add(to: requester, kind: .friendAccepted, actor: accepter, on: conn)
        announcements += try UserChannel.bump([accepter], on: conn)
        return announcements
    }

    /// An unread "X asked to be your friend" is moot once the request is decided.
    private static func forgetRequestNotice(from: String, to: String, on conn: PostgresConnection) throws {
        try conn.query(
            "DELETE FROM notifications WHERE user_id = $1 AND actor_id = $2 AND kind = 'friend_request' AND read_at IS NULL", [to, from])
    }

    // MARK: - Unfriending and blocking

    /// Ends the friendship of `me` and `other` (both rows); `notFriends` when there is none.
    func unfriend(_ me: String, _ other: String) throws -> Announcements {
        try database.transaction { conn in
            try Self.lockPair(me, other, on: conn)
            let removed = try conn.query(
                "DELETE FROM friendships WHERE (user_id = $1 AND friend_id = $2) OR (user_id = $2 AND friend_id = $1)", [me, other]
            ).affectedRows
            guard removed > 0 else { throw FriendRefusal.notFriends }
            return try UserChannel.bump([me, other], on: conn)
        }
    }

    /// `me` blocks `other`: the friendship and any waiting requests between them (both ways) go,
    /// with their unread notices. Blocking twice changes nothing more.
    func block(_ me: String, _ other: String) throws -> Announcements {
        guard me != other else { throw FriendRefusal.yourself }
        return try database.transaction { conn in
            try Self.lockPair(me, other, on: conn)
            try conn.query("INSERT INTO user_blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", [me, other])
            try conn.query("DELETE FROM friendships WHERE (user_id = $1 AND friend_id = $2) OR (user_id = $2 AND friend_id = $1)", [me, other])
            try conn.query(
                """
                UPDATE friend_requests SET status = 'cancelled', decided_at = now()
                WHERE status = 'pending' AND ((from_id = $1 AND to_id = $2) OR (from_id = $2 AND to_id = $1))
                """, [me, other])
            try conn.query(
                """
                DELETE FROM notifications WHERE read_at IS NULL AND kind IN ('friend_request', 'friend_accepted')
                  AND ((user_id = $1 AND actor_id = $2) OR (user_id = $2 AND actor_id = $1))
                """, [me, other])
            return try UserChannel.bump([me, other], on: conn)
        }
    }

    /// Lifts the block `me` put on `other`; `notBlocked` when there is none.
    func unblock(_ me: String, _ other: String) throws -> Announcements {
        try database.transaction { conn in
            try Self.lockPair(me, other, on: conn)
            let removed = try conn.query("DELETE FROM user_blocks WHERE blocker_id = $1 AND blocked_id = $2", [me, other]).affectedRows
            guard removed == 1 else { throw FriendRefusal.notBlocked }
            return try UserChannel.bump([me, other], on: conn)
        }
    }

    /// Locks both people's rows in id order, so changes to one pair (and one sender's counts)
    /// are serialised without deadlocks. `FOR NO KEY UPDATE`: foreign-key checks elsewhere
    /// (rows that reference these users) are not held up.
    private static func lockPair(_ a: String, _ b: String, on conn: PostgresConnection) throws {
        try conn.query("SELECT id FROM users WHERE id IN ($1, $2) ORDER BY id FOR NO KEY UPDATE", [a, b])
    }

    // MARK: - Lists

    /// What the friends page lists, read in one statement (one round trip and one plan for the
    /// whole page): a page of friends by username after `after` (lower case; `limit` of them,
    /// one range of `friendships_by_name_idx`, migration 014, whatever the number of friends),
    /// how many friends there are, waiting requests each way (newest first, `pendingLimit`
    /// each, with their totals) and the people `me` blocked (newest first).
    func overview(of me: String, after: String?, limit: Int, pendingLimit: Int, blockedLimit: Int) throws -> Overview {
        var overview = Overview()
        // One call of `friends_overview` (migration 015, its plan kept per connection); each part
        // numbers its own rows (`n`), so the order within a part never rests on UNION ALL.
        for row in try database.query(
            """
            SELECT part, n, id, username, display_name, extra FROM friends_overview($1, $2, $3, $4, $5)
            """, [me, after, limit, pendingLimit, blockedLimit])
        {
            let person = Person(id: row.string(2), username: row.string(3), displayName: row.string(4))
            let n = row.int(1)
            switch row.string(0) {
            case "friend": overview.friends.append((n, person))
            case "in": overview.incoming.append((n, Pending(id: Int(Double(row.string(5)) ?? 0), other: person)))
            case "out": overview.outgoing.append((n, Pending(id: Int(Double(row.string(5)) ?? 0), other: person)))
            case "blocked": overview.blocked.append((n, person))
            default:
                overview.friendCount = n
                overview.incomingTotal = row.int(3)
                overview.outgoingTotal = row.int(4)
            }
        }
        return overview
    }

    /// Every friend's id (for the board among friends; as many as there are friends).
    func friendIDs(of me: String) throws -> [String] {
        try database.query("SELECT friend_id FROM friendships WHERE user_id = $1", [me]).map { $0.string(0) }
    }

    /// Proven accounts whose username starts with `prefix` (a LIKE pattern from
    /// `UsernamePrefix`), by name, not `me` and not blocked either way.
    func search(_ pattern: String, for me: String, limit: Int) throws -> [(Person, FriendRelation)] {
        try database.query(
            """
            SELECT u.id, u.username, u.display_name, are_friends($2, u.id),
                   (SELECT id FROM friend_requests WHERE from_id = $2 AND to_id = u.id AND status = 'pending'),
                   (SELECT id FROM friend_requests WHERE from_id = u.id AND to_id = $2 AND status = 'pending')
            FROM users u
            WHERE lower(u.username) LIKE $1 AND u.email_verified_at IS NOT NULL AND u.id <> $2 AND NOT blocked_between($2, u.id)
            ORDER BY lower(u.username) LIMIT $3
            """, [pattern, me, limit]
        ).map { row in
            (
                Self.person(row),
                FriendRelation(
                    friends: row.bool(3), sentID: row[4].flatMap { Int($0) }, receivedID: row[5].flatMap { Int($0) }, youBlocked: false,
                    blockedYou: false)
            )
        }
    }

    private static func person(_ row: PostgresRow) -> Person {
        Person(id: row.string(0), username: row.string(1), displayName: row.string(2))
    }
}
