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

    struct Friend: Codable {
        let user: String
        let name: String
        let presence: String
        let words: String
        let room: String?

        init(_ person: FriendPresenceReader.Person) {
            user = person.username
            name = person.displayName
            presence = person.presence.name
            words = person.presence.words
            room = person.presence.roomCode
        }
    }

    /// The channel's Redis side in one round trip: its version, then each person on its feed
    /// with the version they changed at and their presence view (ARGV: the user id).
    static let feedScript = """
        local version = redis.call('GET', 'live:user:' .. ARGV[1]) or '0'
        local out = {version}
        local feed = redis.call('ZRANGE', 'presence:feed:' .. ARGV[1], 0, -1, 'WITHSCORES')
        for i = 1, #feed, 2 do
            out[#out + 1] = feed[i]
            out[#out + 1] = feed[i + 1]
            out[#out + 1] = redis.call('GET', 'presence:view:' .. feed[i]) or ''
        end
        return out
        """

    /// A person on the feed: when they changed (a channel version) and how they look now.
    struct Change {
        let userID: String
        let at: Int
        let view: Friend?
    }

    /// The channel's snapshot for the hub; nil for an account that no longer exists.
    static func snapshot(services: Services) -> LiveHub.SnapshotSource {
        { channel in
            let userID = String(channel.dropFirst(UserChannel.prefix.count + 1))
            let (redisVersion, changes) = feed(userID, services.redis)
            guard let glance = try UserChannelStore(database: services.database).glance(userID, people: changes.map(\.userID)) else {
                return nil
            }
            // Never 0: a first poll (`since=0`) is always answered at once with the counts.
            let version = max(glance.version, redisVersion, 1)
            return LiveSnapshot(version: version) { since, _ in
                // Only people who are friends now: someone unfriended or blocked since is left out.
                let presence =
                    since > 0 ? changes.filter { $0.at > since && glance.friends.contains($0.userID) }.compactMap(\.view) : []
                return JSONBody.encode(
                    Body(
                        version: version, notifications: glance.notifications, messages: glance.messages,
                        requests: glance.requests, presence: presence))
            }
        }
    }

    /// The Redis version and feed; nothing while Redis is down.
    static func feed(_ userID: String, _ redis: RedisPool?) -> (Int, [Change]) {
        guard let redis, !redis.isDown, case .array(let reply)? = try? redis.command("EVAL", feedScript, "0", userID),
            case .string(let first)? = reply.first
        else { return (0, []) }
        var changes: [Change] = []
        var i = 1
        while i + 2 < reply.count + 0 || i + 2 == reply.count {
            if case .string(let id) = reply[i], case .string(let at) = reply[i + 1], let version = Int(at) {
                var view: Friend? = nil
                if case .string(let json) = reply[i + 2], !json.isEmpty { view = try? JSONDecoder().decode(Friend.self, from: Data(json.utf8)) }
                changes.append(Change(userID: id, at: version, view: view))
            }
            i += 3
        }
        return (Int(first) ?? 0, changes)
    }
}
