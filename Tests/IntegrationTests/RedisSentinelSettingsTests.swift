import Foundation
import Redis
import Testing

@testable import App

/// POMOPOMO_REDIS, POMOPOMO_REDIS_SENTINELS and POMOPOMO_REDIS_MASTER: how a responder finds Redis,
/// and the mixes it refuses at start-up. (The failover itself is proven by `make drills`.)
@Suite("Redis through Sentinel: settings")
struct RedisSentinelSettingsTests {
    @Test func aFixedAddressOrNone() throws {
        #expect(try Config.redisEndpoint([:]) == nil)
        #expect(try Config.redisEndpoint(["POMOPOMO_REDIS": "unix:/run/redis.sock"]) == .direct(RedisAddress("unix:/run/redis.sock")!))
    }

    @Test func sentinelsAndTheirMaster() throws {
        let endpoint = try Config.redisEndpoint([
            "POMOPOMO_REDIS_SENTINELS": "10.0.0.5:26379, 10.0.0.6:26379", "POMOPOMO_REDIS_MASTER": "pp",
        ])
        #expect(endpoint == .sentinel(sentinels: [RedisAddress("10.0.0.5:26379")!, RedisAddress("10.0.0.6:26379")!], master: "pp"))
        #expect(
            try Config.redisEndpoint(["POMOPOMO_REDIS_SENTINELS": "10.0.0.5:26379"])
                == .sentinel(sentinels: [RedisAddress("10.0.0.5:26379")!], master: "pomopomo"), "the master's name defaults to pomopomo")
    }

    @Test(arguments: [
        ["POMOPOMO_REDIS": "unix:/run/redis.sock", "POMOPOMO_REDIS_SENTINELS": "10.0.0.5:26379"],
        ["POMOPOMO_REDIS_MASTER": "pp"],
        ["POMOPOMO_REDIS_SENTINELS": "10.0.0.5"],
        ["POMOPOMO_REDIS_SENTINELS": "unix:/run/sentinel.sock"],
        ["POMOPOMO_REDIS_SENTINELS": " , "],
    ])
    func mistakesStopTheStart(env: [String: String]) {
        #expect(throws: Config.Problem.self) { try Config.redisEndpoint(env) }
    }

    @Test func noSentinelAnsweringIsUnavailableAndFast() {
        // Port 9 on loopback: nothing listens, so the connection is refused at once.
        let locator = RedisLocator(.sentinel(sentinels: [RedisAddress("127.0.0.1:9")!], master: "pomopomo"))
        let pool = RedisPool(locator: locator, retryAfter: 5)
        #expect(throws: RedisError.self) { try pool.command("PING") }
        #expect(pool.isDown, "the breaker opens as for a dead Redis")
    }

    @Test func aDirectAddressIsNeverForgotten() throws {
        let address = RedisAddress("127.0.0.1:9")!
        let locator = RedisLocator(address)
        locator.failed(address)
        #expect(try locator.primary() == address)
    }
}
