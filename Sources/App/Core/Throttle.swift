import Foundation
import Redis
import Sodium

/// Fixed-window counters in Redis: sign-in and mail requests (15-minute windows), and the
/// limits on rooms and profiles (`RateLimits`). Keys name the client address nginx passed
/// (REMOTE_ADDR; IPv6 by /64, since one host gets a whole /64), an account (by a hash of its
/// email, so Redis holds no addresses) or a signed-in user's id; never only the cookie, which
/// is free. When Redis is down the checks let requests through and say so in the log.
struct Throttle {
    static let window = 15 * 60
    let redis: RedisPool?

    enum Limit {
        /// Wrong passwords for one account.
        static let accountFailures = 5
        /// Wrong passwords from one address, whichever accounts.
        static let addressFailures = 20
        /// Password checks of any outcome from one address (each costs an Argon2id hash).
        static let addressAttempts = 60
        /// Mails asked for (links, resets, sign-ups) from one address.
        static let addressMails = 30
        /// Mails asked for one account.
        static let accountMails = 5
    }

    static func accountKey(_ kind: String, email: String) -> String {
        "throttle:\(kind):acct:" + Base64URL.encode(Array(Sodium.sha256(Array(email.lowercased().utf8)).prefix(16)))
    }

    static func addressKey(_ kind: String, address: String) -> String {
        "throttle:\(kind):addr:" + addressBucket(address)
    }

    static func userKey(_ kind: String, userID: String) -> String {
        "throttle:\(kind):user:" + userID
    }

    /// IPv4 as is; IPv6 by its first four groups (the /64).
    static func addressBucket(_ address: String) -> String {
        guard address.contains(":") else { return address }
        var groups = address.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if let gap = groups.firstIndex(of: ""), address.contains("::") {
            let present = groups.filter { !$0.isEmpty }
            groups =
                Array(groups[..<gap].filter { !$0.isEmpty }) + Array(repeating: "0", count: max(0, 8 - present.count))
                + Array(groups[(gap + 1)...].filter { !$0.isEmpty })
        }
        return groups.prefix(4).map { String(Int($0, radix: 16) ?? 0, radix: 16) }.joined(separator: ":") + "::/64"
    }

    /// Seconds until `key` is allowed again, or nil when it is under `limit`. Does not count.
    func blocked(_ key: String, limit: Int) -> Int? {
        guard let redis, let count = (try? redis.command("GET", key))?.string.flatMap({ Int($0) }), count >= limit else { return nil }
        let ttl = (try? redis.command("TTL", key))?.integer ?? Self.window
        return max(1, ttl)
    }

    /// Counts one event against `key`.
    func count(_ key: String) {
        guard let redis else { return }
        _ = redis.bestEffort("SET", key, "0", "EX", String(Self.window), "NX")
        _ = redis.bestEffort("INCR", key)
    }

    func clear(_ key: String) {
        _ = redis?.bestEffort("DEL", key)
    }

    /// Counts and checks in one round trip: the window starts at the first event.
    static let hitScript = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
        if n > tonumber(ARGV[2]) then
            local ttl = redis.call('TTL', KEYS[1])
            if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
            return ttl
        end
        return -1
        """

    /// Counts one event against `key` and returns the seconds to wait when this event went
    /// past `limit` within `window` seconds (nil: allowed, or Redis is down).
    func hit(_ key: String, limit: Int, window: Int) -> Int? {
        guard let redis, !redis.isDown,
            let wait = (try? redis.command(["EVAL", Self.hitScript, "1", key, String(window), String(limit)]))?.integer,
            wait >= 0
        else { return nil }
        return max(1, wait)
    }
}
