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

    /// A person on the feed: when they changed (a channel version) and how they look now.
    struct Change {
        let userID: String
        let at: Int
        let view: Friend?
    }

    /// The channel's snapshot for the hub; nil for an account that no longer exists.
    static func snapshot(services: Services) -> LiveHub.SnapshotSource {
        let many = snapshots(services: services)
        return { channel in try many([channel])[channel] }
    }

    /// Many channels' snapshots at once (a presence change wakes every friend): one Redis call
    /// and one statement for up to 250 channels. Accounts that no longer exist are left out.
    static func snapshots(services: Services) -> LiveHub.BatchSource {
        { channels in
            let userIDs = channels.map { String($0.dropFirst(UserChannel.prefix.count + 1)) }
            let feeds = feeds(userIDs, services.redis)
            let glances = try UserChannelStore(database: services.database).glances(
                userIDs.map { ($0, feeds[$0]?.1.map(\.userID) ?? []) })
            var out: [String: LiveSnapshot] = [:]
            for id in userIDs {
                guard let glance = glances[id] else { continue }
                out[UserChannel.name(id)] = snapshot(glance, redisVersion: feeds[id]?.0 ?? 0, changes: feeds[id]?.1 ?? [])
            }
            return out
        }
    }

    private static func snapshot(_ glance: UserChannelStore.Glance, redisVersion: Int, changes: [Change]) -> LiveSnapshot {
        // Never 0: a first poll (`since=0`) is always answered at once with the counts.
        let version = max(glance.version, redisVersion, 1)
        return LiveSnapshot(version: version) { since, _ in
            // Only people who are friends now: someone unfriended or blocked since is left out.
            let presence = since > 0 ? changes.filter { $0.at > since && glance.friends.contains($0.userID) }.compactMap(\.view) : []
            return JSONBody.encode(
                Body(
                    version: version, notifications: glance.notifications, messages: glance.messages,
                    requests: glance.requests, presence: presence))
        }
    }

    /// The Redis versions and feeds of many channels in one call (ARGV: user ids; for each, its
    /// version, the number of entries, then each entry's user, version and view).
    static let feedsScript = """
        local out = {}
        for _, user in ipairs(ARGV) do
            out[#out + 1] = redis.call('GET', 'live:user:' .. user) or '0'
            local feed = redis.call('ZRANGE', 'presence:feed:' .. user, 0, -1, 'WITHSCORES')
            out[#out + 1] = tostring(#feed / 2)
            for i = 1, #feed, 2 do
                out[#out + 1] = feed[i]
                out[#out + 1] = feed[i + 1]
                out[#out + 1] = redis.call('GET', 'presence:view:' .. feed[i]) or ''
            end
        end
        return out
        """

    static func feeds(_ userIDs: [String], _ redis: RedisPool?) -> [String: (Int, [Change])] {
        guard !userIDs.isEmpty, let redis, !redis.isDown,
            case .array(let reply)? = try? redis.command(["EVAL", feedsScript, "0"] + userIDs)
        else { return [:] }
        func text(_ i: Int) -> String? { if i < reply.count, case .string(let s) = reply[i] { return s } else { return nil } }
        var out: [String: (Int, [Change])] = [:]
        var views: [String: Friend?] = [:]
        var i = 0
        for user in userIDs {
            guard let version = text(i).flatMap(Int.init), let count = text(i + 1).flatMap(Int.init) else { break }
            i += 2
            var changes: [Change] = []
            for _ in 0..<count {
                if let id = text(i), let at = text(i + 1).flatMap(Int.init) {
                    let json = text(i + 2) ?? ""
                    if views[id] == nil { views[id] = json.isEmpty ? nil : try? JSONDecoder().decode(Friend.self, from: Data(json.utf8)) }
                    changes.append(Change(userID: id, at: at, view: views[id] ?? nil))
                }
                i += 3
            }
            out[user] = (version, changes)
        }
        return out
    }
}
