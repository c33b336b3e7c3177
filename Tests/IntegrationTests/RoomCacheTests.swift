import Domain
import Foundation
import Logging
import Redis
import Testing

@testable import App

@Suite("Room cache", TestEnvironment.requirement)
struct RoomCacheTests {
    let store = RoomStore(database: TestEnvironment.pool)

    func subscribedHub() throws -> LiveHub {
        let hub = LiveHub(
            redis: RedisPool(address: TestEnvironment.redisAddress),
            redisLocator: RedisLocator(TestEnvironment.redisAddress), logger: Logger(label: "test"), holdSeconds: 5)
        hub.start()
        let deadline = Date().addingTimeInterval(5)
        while hub.cacheEpoch == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        try #require(hub.cacheEpoch != nil, "the hub never subscribed to Redis")
        return hub
    }

    @Test func servesUntilANewerVersionIsAnnouncedAnywhere() throws {
        let hub = try subscribedHub()
        defer { hub.releaseAll() }
        let cache = RoomCache(hub: hub)
        let room = try TestRoom.make(name: "Cached")
        let epoch = hub.cacheEpoch
        cache.store(try #require(try store.snapshot(room.code)), epoch: epoch)
        #expect(cache.lookup(room.code)?.room.version == 1)

        // Another responder's write arrives as a Redis message: the entry is no longer trusted.
        try RedisPool(address: TestEnvironment.redisAddress).command("PUBLISH", LiveHub.wakeChannel, "\(room.channel) 2")
        let deadline = Date().addingTimeInterval(2)
        while cache.lookup(room.code) != nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(cache.lookup(room.code) == nil)

        // A snapshot at the announced version is trusted again.
        _ = try store.join(room.code, session: SessionID.fresh(), name: try DisplayName(validating: "Second"))
        cache.store(try #require(try store.snapshot(room.code)), epoch: hub.cacheEpoch)
        #expect(cache.lookup(room.code)?.members.count == 2)

        // A local write announces itself the same way.
        hub.notify(channel: room.channel, version: 3)
        #expect(cache.lookup(room.code) == nil)
    }

    @Test func concurrentMissesWaitForTheOneLoadInProgress() throws {
        let hub = LiveHub(redis: nil, redisLocator: nil, logger: Logger(label: "test"), holdSeconds: 5)
        let cache = RoomCache(hub: hub)
        let room = try TestRoom.make(name: "Crowded")
        let loads = Locked(0)
        let results = Locked<[Int]>([])
        // Threads of their own (concurrentPerform would run only as many at once as there are cores).
        let done = DispatchGroup()
        for _ in 0..<16 {
            done.enter()
            Thread {
                let (snapshot, _) = try! cache.singleFlight("code:" + room.code.value) {
                    loads.mutate { $0 += 1 }
                    Thread.sleep(forTimeInterval: 0.5)  // long enough for every caller to arrive
                    return try store.snapshot(room.code)
                }
                results.mutate { $0.append(snapshot?.room.version ?? -1) }
                done.leave()
            }.start()
        }
        done.wait()
        #expect(loads.value == 1)
        #expect(results.value == Array(repeating: 1, count: 16))
        // Once it finished, the next miss loads again.
        _ = try cache.singleFlight("code:" + room.code.value) {
            loads.mutate { $0 += 1 }
            return nil
        }
        #expect(loads.value == 2)
    }

    @Test func nothingIsCachedWithoutASubscription() throws {
        let hub = LiveHub(redis: nil, redisLocator: nil, logger: Logger(label: "test"), holdSeconds: 5)
        let cache = RoomCache(hub: hub)
        let room = try TestRoom.make(name: "NoRedis")
        cache.store(try #require(try store.snapshot(room.code)), epoch: hub.cacheEpoch)
        #expect(cache.lookup(room.code) == nil)
    }

    @Test func expiryIsMeasuredByTheDatabaseAndHonoured() throws {
        let room = try TestRoom.make(name: "Soon")
        try TestEnvironment.pool.query("UPDATE rooms SET expires_at = now() + interval '300 milliseconds' WHERE id = $1", [room.id])
        let snapshot = try #require(try store.snapshot(room.code))
        #expect(!snapshot.isExpired)
        Thread.sleep(forTimeInterval: 0.4)
        #expect(snapshot.isExpired)
    }
}
