import Domain
import Postgres

/// SQL for inviting friends into a room and for what a signed-in participant's room page shows
/// of it: the star and the friends to invite.
struct RoomInviteStore {
    let database: PostgresPool

    /// Friends an invite form offers (the first ones: those to invite again, then by name).
    static let formFriends = 200

    /// A friend the room page's invite form offers.
    struct Friend {
        let username: String
        let displayName: String
        /// In, or invited to, the room a favorite started again replaced: offered first, ticked.
        let again: Bool
    }

    /// What the room page shows `userID` about room `roomID`: whether they starred it, and up to
    /// `formFriends + 1` of their friends (one more than shown, to tell there are more). One
    /// statement on the friendships' primary key.
    func panel(userID: String, roomID: String) throws -> (starred: Bool, friends: [Friend]) {
        let rows = try database.query(
            """
            SELECT fav.id IS NOT NULL, l.username, l.display_name, l.again
            FROM (SELECT (SELECT f.id FROM favorite_rooms f WHERE f.user_id = $1 AND f.room_id = $2) AS id,
                         coalesce((SELECT f.invite_again FROM favorite_rooms f WHERE f.user_id = $1 AND f.room_id = $2), '{}') AS again) fav
            LEFT JOIN LATERAL (
                SELECT u.username, u.display_name, u.id = ANY (fav.again) AS again
                FROM friendships fr JOIN users u ON u.id = fr.friend_id
                WHERE fr.user_id = $1
                ORDER BY u.id = ANY (fav.again) DESC, lower(u.display_name), u.username
                LIMIT $3) l ON true
            """, [userID, roomID, Self.formFriends + 1])
        let starred = rows.first?.bool(0) ?? false
        return (
            starred,
            rows.compactMap { row in row[1].map { Friend(username: $0, displayName: row.string(2), again: row.bool(3)) } }
        )
    }

    /// Invites each of `usernames` (case as typed) to the room `code`, in the caller's
    /// transaction: each must be a friend of `userID` and neither blocked the other, else
    /// `SocialRefusal.notAFriend` names the first who is not (and nothing is sent). Each friend
    /// gets a `room_invite` notice (an unread one from the same person for the same room
    /// folds); returns what to announce after the commit.
    static func invite(
        _ usernames: [String], from userID: String, to code: RoomCode, on conn: PostgresConnection
    ) throws -> [(channel: String, version: Int)] {
        var friendIDs: [String] = []
        for name in usernames {
            guard
                let row = try conn.query(
                    """
                    SELECT u.id FROM users u
                    WHERE lower(u.username) = lower($2) AND u.id <> $1 AND are_friends($1, u.id) AND NOT blocked_between($1, u.id)
                    """, [userID, name]
                ).first
            else { throw SocialRefusal.notAFriend(name) }
            friendIDs.append(row.string(0))
        }
        var announcements: [(channel: String, version: Int)] = []
        for id in Set(friendIDs).sorted() {
            announcements += try NotificationStore.add(to: id, kind: .roomInvite, actor: userID, subject: code.display, on: conn)
        }
        return announcements
    }
}
