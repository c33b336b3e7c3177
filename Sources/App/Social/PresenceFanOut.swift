import Foundation
import Redis
import Web

/// Tells friends that someone's presence changed. The person's presence is read once, as friend
/// lists show it, and kept as JSON (`presence:view:<id>`, an hour); each friend's channel version
/// moves on in Redis (`live:user:<id>`, milliseconds by Redis's clock, never backwards) and the
/// person is put on that friend's feed of changes (`presence:feed:<id>`, a sorted set by that
/// version, the newest 200, an hour); then every friend's channel is woken, across responders,
/// in one publish per 500. A friend's answer reads its feed and the views in one round trip, so
/// waking 1,000 friends reads the person's presence once, not 1,000 times.
enum PresenceFanOut {
    static let feedLength = 200

    /// ARGV: the number of views V, V (subject, JSON) pairs, then (viewer, subject, viewer's stored
    /// version) triples. Returns (viewer, version) pairs, one per viewer. The new version is above
    /// both the Redis one and PostgreSQL's, so the channel's version (the larger of the two) moves
    /// on even when the clocks disagree.
    static let script = """
        local views = tonumber(ARGV[1])
        for i = 2, 2 * views, 2 do
            redis.call('SET', 'presence:view:' .. ARGV[i], ARGV[i + 1], 'EX', 3600)
        end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local versions = {}
        local out = {}
        for i = 2 * views + 2, #ARGV, 3 do
            local viewer, subject, stored = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
            local v = versions[viewer]
            if not v then
                local key = 'live:user:' .. viewer
                v = math.max(tonumber(redis.call('GET', key) or '0') + 1, stored + 1, now)
                redis.call('SET', key, v, 'EX', 86400)
                versions[viewer] = v
                out[#out + 1] = viewer
                out[#out + 1] = tostring(v)
            end
            local feed = 'presence:feed:' .. viewer
            redis.call('ZADD', feed, v, subject)
            redis.call('ZREMRANGEBYRANK', feed, 0, -\(feedLength + 1))
            redis.call('EXPIRE', feed, 3600)
        end
        return out
        """

    static func liveKey(_ userID: String) -> String { "live:user:\(userID)" }

    /// Wakes the friends of `changed`. Redis down: nothing (friend lists read PostgreSQL when
    /// they are next loaded; the live channel is Redis's to carry).
    static func tell(_ changed: [String], services: Services) {
        guard !changed.isEmpty, let redis = services.redis, !redis.isDown else { return }
        do {
            let pairs = try UserChannelStore(database: services.database).watchers(of: changed)
            guard !pairs.isEmpty else { return }
            let subjects = Array(Set(pairs.map(\.subject)))
            let people = try FriendPresenceReader(database: services.database, redis: services.redis).people(subjects)
            var views: [String] = []
            for (id, person) in people { views += [id, String(decoding: JSONBody.encode(UserChannelFeed.Friend(person)), as: UTF8.self)] }
            var wakes: [(channel: String, version: Int)] = []
            for start in stride(from: 0, to: pairs.count, by: 5000) {
                var args = ["EVAL", script, "0", String(start == 0 ? views.count / 2 : 0)]
                if start == 0 { args += views }
                for pair in pairs[start..<min(start + 5000, pairs.count)] { args += [pair.viewer, pair.subject, String(pair.stored)] }
                guard case .array(let reply) = try redis.command(args) else { continue }
                for i in stride(from: 0, to: reply.count - 1, by: 2) {
                    if case .string(let viewer) = reply[i], case .string(let v) = reply[i + 1], let version = Int(v) {
                        wakes.append((UserChannel.name(viewer), version))
                    }
                }
            }
            services.hub.notify(wakes)
        } catch {
            services.logger.warning("presence fan-out failed", metadata: ["error": "\(error)"])
        }
    }
}
