import Foundation
import Postgres

/// Each signed-in person's live channel (`user:<id>`), the one long-poll a tab holds besides a
/// room's. Its version is `users.live_v` (milliseconds, never backwards), moved in the same
/// transaction as every stored event it carries; the wake-up goes through `LiveHub` once the
/// transaction has committed (`RequestContext.announceAfterCommit`, or `LiveHub.notify`).
/// It is never a room's channel: a room's changes do not wake it, nor it a room's watchers.
enum UserChannel {
    static let prefix = "user"

    static func name(_ userID: String) -> String { "\(prefix):\(userID)" }

    /// Moves the channels of `userIDs` on, in the caller's transaction; returns what to announce
    /// after the commit.
    static func bump(_ userIDs: [String], on conn: PostgresConnection) throws -> [(channel: String, version: Int)] {
        let ids = userIDs.filter { UUID(uuidString: $0) != nil }
        guard !ids.isEmpty else { return [] }
        return try conn.query(
            "SELECT id::text, live_v FROM bump_live($1::uuid[])", ["{" + ids.joined(separator: ",") + "}"]
        ).map { (name($0.string(0)), $0.int(1)) }
    }
}

extension UserChannel {
    /// Raises each channel's Redis version (`live:user:<id>`) to at least the stored one it was
    /// bumped to (ARGV: (user, version) pairs) and returns the versions to announce, so that the
    /// channel's version, the larger of PostgreSQL's and Redis's, always moves on.
    static let raiseScript = """
        local out = {}
        for i = 1, #ARGV, 2 do
            local key = 'live:user:' .. ARGV[i]
            local v = math.max(tonumber(redis.call('GET', key) or '0') + 1, tonumber(ARGV[i + 1]))
            redis.call('SET', key, v, 'EX', 86400)
            out[#out + 1] = tostring(v)
        end
        return out
        """

    /// Wakes the channels of a committed change. User channels go through Redis's version first
    /// (see `raiseScript`); Redis down, they are announced with PostgreSQL's versions, which a
    /// poll compares with what it saw and answers at once when they differ.
    static func announce(_ wakes: [(channel: String, version: Int)], services: Services) {
        guard !wakes.isEmpty else { return }
        let users = wakes.filter { $0.channel.hasPrefix(prefix + ":") }
        var out = wakes.filter { !$0.channel.hasPrefix(prefix + ":") }
        if !users.isEmpty, let redis = services.redis, !redis.isDown {
            var args = ["EVAL", raiseScript, "0"]
            for wake in users { args += [String(wake.channel.dropFirst(prefix.count + 1)), String(wake.version)] }
            if case .array(let raised)? = try? redis.command(args), raised.count == users.count {
                for (wake, reply) in zip(users, raised) {
                    if case .string(let v) = reply, let version = Int(v) { out.append((wake.channel, version)) }
                }
            } else {
                out += users
            }
        } else {
            out += users
        }
        services.hub.notify(out)
    }
}
