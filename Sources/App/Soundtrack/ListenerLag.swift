import Foundation
import Redis

/// Who is behind in a room's soundtrack, for the host and the DJs. Listeners whose player has
/// fallen more than a second behind (a slow network, a phone asleep) say so now and then, and
/// once more when they catch up: a Redis hash per room, one field per listener ("ms:epoch ms"),
/// expiring with the room's silence. Listeners in step send nothing, and the pace of reports
/// slows as the room grows (`reportEveryMs`), so 10,000 listeners cost Redis a few writes a
/// second at worst and a reader a bounded sample. Redis down: nobody is shown behind.
enum ListenerLag {
    /// At most this many fields are read per look (a random sample beyond).
    static let sample = 500
    /// Listeners a look names (the furthest behind).
    static let named = 10

    static func key(_ roomID: String) -> String { "room:sound:behind:\(roomID)" }

    /// How often a listener who is behind reports: every 10 s in a small room, one report per
    /// 100 people a second beyond 1,000 (100 s at 10,000), at most every 2 minutes.
    static func reportEveryMs(memberCount: Int) -> Int { min(120_000, max(10_000, memberCount * 10)) }

    /// A report older than three periods is stale (the listener left, or their tab sleeps).
    static func freshForMs(memberCount: Int) -> Int { 3 * reportEveryMs(memberCount: memberCount) }

    private static let recordScript = """
        if ARGV[2] == '0' then return redis.call('HDEL', KEYS[1], ARGV[1]) end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
        return redis.call('PEXPIRE', KEYS[1], ARGV[4])
        """

    /// Records that `participantID` is `behindMs` behind (0: in step again).
    static func record(roomID: String, participantID: String, behindMs: Int, memberCount: Int, redis: RedisPool?) {
        guard let redis, !redis.isDown else { return }
        let now = Int(Date().timeIntervalSince1970 * 1000)
        _ = try? redis.command(
            "EVAL", recordScript, "1", key(roomID), participantID, String(behindMs), String(now), String(freshForMs(memberCount: memberCount)))
    }

    /// The listeners behind now: how many (estimated from the sample past `sample`) and the
    /// furthest behind, by participant id.
    static func read(roomID: String, memberCount: Int, redis: RedisPool?) -> (count: Int, furthest: [(id: String, behindMs: Int)]) {
        guard let redis, !redis.isDown, case .integer(let total)? = try? redis.command("HLEN", key(roomID)), total > 0 else { return (0, []) }
        let reply =
            total <= sample ? try? redis.command("HGETALL", key(roomID)) : try? redis.command("HRANDFIELD", key(roomID), String(sample), "WITHVALUES")
        guard case .array(let flat)? = reply else { return (0, []) }
        let oldest = Int(Date().timeIntervalSince1970 * 1000) - freshForMs(memberCount: memberCount)
        var fresh: [(id: String, behindMs: Int)] = []
        var index = 0
        while index + 1 < flat.count {
            if case .string(let id) = flat[index], case .string(let value) = flat[index + 1] {
                let parts = value.split(separator: ":")
                if parts.count == 2, let ms = Int(parts[0]), let at = Int(parts[1]), at >= oldest { fresh.append((id, ms)) }
            }
            index += 2
        }
        let sampled = flat.count / 2
        let count = sampled == 0 ? 0 : Int((Double(fresh.count) * Double(total) / Double(sampled)).rounded())
        return (count, Array(fresh.sorted { $0.behindMs > $1.behindMs }.prefix(named)))
    }
}
