import Foundation
import Redis
import Testing

@Suite("Redis wrapper", TestEnvironment.requirement)
struct RedisTests {
    let address = TestEnvironment.redisAddress

    @Test func commandsRoundTripBinarySafely() throws {
        let pool = RedisPool(address: address)
        let key = "test:\(UUID().uuidString)"
        let value = "a\u{0}b ünï\r\n"
        try pool.command("SET", key, value, "EX", "60")
        #expect(try pool.command("GET", key).string == value)
        #expect(try pool.command("INCR", key + ":n").integer == 1)
        #expect(try pool.command("GET", key + ":missing") == .null)
        #expect(throws: RedisError.self) { try pool.command("NOSUCHCOMMAND") }
        // An error reply leaves the connection usable.
        #expect(try pool.command("PING").string == "PONG")
    }

    @Test func aDeadRedisFailsFastThenIsSkipped() throws {
        let pool = RedisPool(address: RedisAddress("unix:/nonexistent/redis.sock")!, retryAfter: 5)
        #expect(throws: RedisError.self) { try pool.command("PING") }
        #expect(pool.isDown)
        let started = Date()
        for _ in 0..<100 { _ = pool.bestEffort("PING") }
        #expect(Date().timeIntervalSince(started) < 0.5)
    }

    @Test func subscriberReceivesPublishedMessages() throws {
        let channel = "test:wake:\(UUID().uuidString)"
        let received = Mailbox()
        let subscriber = RedisSubscriber(
            address: address, channels: [channel],
            onMessage: { _, message in received.put(message) },
            onState: { _ in })
        subscriber.start()
        defer { subscriber.stop() }
        let pool = RedisPool(address: address)
        let deadline = Date().addingTimeInterval(5)
        while !subscriber.isConnected && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(subscriber.isConnected)
        try pool.command("PUBLISH", channel, "room:1 7")
        #expect(received.wait(timeout: 2) == "room:1 7")
    }
}

final class Mailbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var messages: [String] = []

    func put(_ message: String) {
        condition.lock()
        messages.append(message)
        condition.signal()
        condition.unlock()
    }

    func wait(timeout: TimeInterval) -> String? {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while messages.isEmpty { if !condition.wait(until: deadline) { return nil } }
        return messages.removeFirst()
    }
}
