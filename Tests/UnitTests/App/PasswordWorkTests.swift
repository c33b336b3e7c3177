import Foundation
import Testing
import Web

@testable import App
@testable import Sodium

@Suite("Password hashing under load")
struct PasswordWorkTests {
    @Test func aFloodBeyondTheSlotsAndQueueIsToldToRetryAtOnce() throws {
        // A slow hasher keeps the slot busy while six threads (like accept threads) arrive at once.
        let work = PasswordWork(hasher: PasswordHasher(opsLimit: 4, memoryLimit: 64 * 1024 * 1024), slots: 1, queue: 1)
        final class Outcomes: @unchecked Sendable {
            let lock = NSLock()
            var values: [Bool] = []
            func add(_ ok: Bool) {
                lock.lock()
                values.append(ok)
                lock.unlock()
            }
        }
        let results = Outcomes()
        let group = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for _ in 0..<6 {
            group.enter()
            Thread {
                start.wait()
                let ok = (try? work.hash("correct horse battery staple")) != nil
                results.add(ok)
                group.leave()
            }.start()
        }
        for _ in 0..<6 { start.signal() }
        group.wait()
        let outcomes = results.values
        #expect(outcomes.count == 6)
        #expect(outcomes.filter { $0 }.count >= 1, "someone gets a hash")
        #expect(outcomes.filter { !$0 }.count >= 3, "beyond one running and one waiting, the rest are refused at once")
        #expect(work.load.running == 0 && work.load.waiting == 0)
    }

    @Test func hashesPastTheSecondsBudgetAreRefusedUntilItRefills() throws {
        let work = PasswordWork(hasher: PasswordHasher(opsLimit: 1, memoryLimit: 8 * 1024 * 1024), slots: 4, queue: 0, perSecond: 2)
        _ = try work.hash("correct horse battery staple")
        _ = try work.hash("correct horse battery staple")
        #expect(throws: ClientError.self) { try work.hash("correct horse battery staple") }
        Thread.sleep(forTimeInterval: 0.6)
        #expect((try? work.hash("correct horse battery staple")) != nil, "the budget refills over the second")
    }

    @Test func withinTheSlotsEveryoneIsServed() throws {
        let work = PasswordWork(hasher: PasswordHasher(opsLimit: 1, memoryLimit: 8 * 1024 * 1024), slots: 2, queue: 2)
        let hash = try work.hash("correct horse battery staple")
        #expect(try work.verify("correct horse battery staple", against: hash))
        #expect(try !work.verify("wrong horse battery staple", against: hash))
    }
}
