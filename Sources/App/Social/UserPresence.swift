import Foundation
import Redis

/// Who is signed in and about, outside rooms: a Redis key per account (`presence:user:<id>`)
/// with a short TTL, refreshed by their live channel's polls at most every 20 s per responder
/// (noted in memory and written in one batch a second, like room presence). Losing Redis loses
/// only "Online"; seats in rooms come from PostgreSQL.
enum UserPresence {
    static let ttlSeconds = 60

    static func key(_ userID: String) -> String { "presence:user:\(userID)" }

    /// Those of `userIDs` with a live key (none while Redis is down).
    static func online(among userIDs: [String], redis: RedisPool?) -> [String] {
        guard let redis, !userIDs.isEmpty else { return [] }
        guard case .array(let values)? = try? redis.command(["MGET"] + userIDs.map(key)) else { return [] }
        return zip(userIDs, values).compactMap { id, value in value == .null ? nil : id }
    }
}
