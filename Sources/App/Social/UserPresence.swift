import Foundation
import Redis

/// Who is signed in and about, outside rooms: a Redis key per account (`presence:online:<id>`)
/// with a short TTL, refreshed from `OnlineBuffer` at most every 20 s per responder. Someone
/// whose key was missing has just come online, and their friends are told (`PresenceFanOut`).
/// Losing Redis loses only "Online"; seats in rooms come from PostgreSQL.
enum UserPresence {
    static let ttlSeconds = 60

    static func key(_ userID: String) -> String { "presence:online:\(userID)" }

    /// Sets or refreshes each key; returns those that were not there (newly online).
    static let script = """
        local fresh = {}
        for i = 1, #ARGV do
            local key = 'presence:online:' .. ARGV[i]
            if redis.call('SET', key, '1', 'EX', \(ttlSeconds), 'NX') then
                fresh[#fresh + 1] = ARGV[i]
            else
                redis.call('EXPIRE', key, \(ttlSeconds))
            end
        end
        return fresh
        """

    /// Writes a batch from `OnlineBuffer`; returns who came online.
    static func refresh(_ userIDs: [String], redis: RedisPool?) -> [String] {
        guard let redis, !redis.isDown, !userIDs.isEmpty else { return [] }
        guard case .array(let fresh)? = try? redis.command(["EVAL", script, "0"] + userIDs) else { return [] }
        return fresh.compactMap { if case .string(let id) = $0 { return id } else { return nil } }
    }

    /// Those of `userIDs` with a live key (none while Redis is down).
    static func online(among userIDs: [String], redis: RedisPool?) -> [String] {
        guard let redis, !redis.isDown, !userIDs.isEmpty else { return [] }
        guard case .array(let values)? = try? redis.command(["MGET"] + userIDs.map(key)) else { return [] }
        return zip(userIDs, values).compactMap { id, value in value == .null ? nil : id }
    }
}
