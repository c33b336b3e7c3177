import Domain
import Foundation
import Redis
import Web

/// What a person's live channel answers (`GET /me/poll` and its wake-ups): the version, the
/// header's counts, and the friends whose presence changed since the version the tab saw.
enum UserChannelFeed {
    struct Body: Encodable {
        let version: Int
        let notifications: Int
        let messages: Int
        let requests: Int
        let presence: [Friend]
    }

    struct Friend: Encodable {
        let user: String
        let name: String
        let presence: String
        let words: String
        let room: String?
    }

    /// The channel's snapshot for the hub; nil for an account that no longer exists.
    static func snapshot(services: Services) -> LiveHub.SnapshotSource {
        { channel in
            let userID = String(channel.dropFirst(UserChannel.prefix.count + 1))
            guard let glance = try UserChannelStore(database: services.database).glance(userID) else { return nil }
            // Never 0: a first poll (`since=0`) is always answered at once with the counts.
            let version = max(glance.version, redisVersion(userID, services.redis), 1)
            return LiveSnapshot(version: version) { since, _ in
                JSONBody.encode(body(glance, version: version, userID: userID, since: since, services: services))
            }
        }
    }

    /// The channel's version in Redis (presence changes move only this one); 0 without Redis.
    static func redisVersion(_ userID: String, _ redis: RedisPool?) -> Int {
        guard let redis, !redis.isDown, case .string(let text)? = try? redis.command("GET", PresenceFanOut.liveKey(userID)) else { return 0 }
        return Int(text) ?? 0
    }

    static func body(_ glance: UserChannelStore.Glance, version: Int, userID: String, since: Int, services: Services) -> Body {
        Body(
            version: version, notifications: glance.notifications, messages: glance.messages, requests: glance.requests,
            presence: since > 0 ? changedFriends(userID, since: since, services: services) : [])
    }

    /// Friends on the feed after `since` (at most the feed's 200), as friend lists show them.
    /// Someone who is no longer a friend (unfriended, blocked since) is left out.
    static func changedFriends(_ userID: String, since: Int, services: Services) -> [Friend] {
        guard let redis = services.redis, !redis.isDown,
            case .array(let replies)? = try? redis.command("ZRANGEBYSCORE", PresenceFanOut.feedKey(userID), "(\(since)", "+inf")
        else { return [] }
        let ids = replies.compactMap { reply -> String? in if case .string(let id) = reply { return id } else { return nil } }
        guard !ids.isEmpty,
            let friends = try? UserChannelStore(database: services.database).friendsAmong(userID, ids),
            let people = try? FriendPresenceReader(database: services.database, redis: services.redis).people(friends)
        else { return [] }
        return friends.compactMap { id in
            people[id].map {
                Friend(user: $0.username, name: $0.displayName, presence: $0.presence.name, words: $0.presence.words, room: $0.presence.roomCode)
            }
        }
    }
}
