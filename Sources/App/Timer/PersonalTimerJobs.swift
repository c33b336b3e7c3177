import Foundation
import Logging

/// Moves personal timers on with every browser closed, in every responder: running timers whose
/// segment ended are completed (counted, credited, the next segment started or left waiting).
/// Rows another responder holds are skipped, so nothing is counted twice.
final class PersonalTimerJobs: Sendable {
    static let sweepInterval: TimeInterval = 0.5
    /// Timers per transaction; a tick takes batches until one comes back short.
    static let batch = 200
    static let batchesPerTick = 10

    private let services: Services
    private let thread: JobThread

    init(services: Services) {
        self.services = services
        thread = JobThread(name: "personal-timers", interval: Self.sweepInterval, logger: services.logger)
    }

    func start() { thread.start { [self] in tick() } }

    func stop() { thread.stop() }

    private func tick() {
        thread.attempt("sweep") {
            for _ in 0..<Self.batchesPerTick {
                let swept = try Self.sweep(services: services, now: Date(), limit: Self.batch)
                if swept < Self.batch { break }
            }
        }
    }

    /// Completes up to `limit` due timers at `now` in one transaction, then (after the commit)
    /// records the credits on the leaderboards, announces notices and wakes each timer's
    /// channel. Returns how many timers it moved.
    @discardableResult
    static func sweep(services: Services, now: Date, limit: Int) throws -> Int {
        let (moved, credits) = try services.database.transaction { conn in
            var moved: [(channel: String, version: Int)] = []
            var credits: [FocusCredit] = []
            for var timer in try PersonalTimerStore.lockDue(now: now, limit: limit, on: conn) {
                // The owner's journal follows the timer in this transaction: while it is being rebuilt
                // (or stepped), this timer waits for a later tick instead of holding the batch.
                if let userID = timer.userID, try !JournalStore.tryLockOwner(userID, on: conn) { continue }
                if try PersonalTimerRun.advance(&timer, now: now, credits: &credits, on: conn) {
                    moved.append((timer.channel, try PersonalTimerStore.bump(timer.id, on: conn)))
                }
            }
            return (moved, credits)
        }
        if !credits.isEmpty {
            services.leaderboards.record(credits)
            FocusCredit.announceNotices(credits, services: services)
        }
        services.hub.notify(moved)
        return moved.count
    }
}
