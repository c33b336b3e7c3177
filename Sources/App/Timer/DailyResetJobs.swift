import Foundation

/// The daily resets in every responder: twice a second, every due reset runs
/// (`DailyResetSweep`, on `workers` connections at once: 100,000 people with the same midnight
/// are due together, and two transactions keep PostgreSQL busy while Swift reads the next
/// batch); every hour, reset events older than the retention
/// (`POMOPOMO_RESET_EVENT_RETENTION_DAYS`) are deleted, 1,000 at a time. PostgreSQL down: the
/// step fails, is logged now and then, and the overdue tasks run on the first tick after it is
/// back. Redis down: the resets are committed all the same; the hub keeps the wake-ups it could
/// not publish and sends them when Redis returns.
final class DailyResetJobs: @unchecked Sendable {
    static let interval: TimeInterval = 0.5
    static let workers = 2
    static let pruneInterval: TimeInterval = 3600
    static let pruneBatch = 1000

    private let services: Services
    private let thread: JobThread
    // Touched by the job thread alone.
    private var lastPrune: Date

    init(services: Services) {
        self.services = services
        thread = JobThread(name: "daily-resets", interval: Self.interval, logger: services.logger)
        // Spread responders started together over the first hour.
        lastPrune = Date().addingTimeInterval(-Double.random(in: 0...Self.pruneInterval))
    }

    func start() { thread.start { [self] in tick() } }

    func stop() { thread.stop() }

    private func tick() {
        DispatchQueue.concurrentPerform(iterations: Self.workers) { worker in
            thread.attempt("daily resets") {
                let started = Date()
                let outcome = try Self.sweep(now: { Date() }, dueSince: Self.testClockHorizon, services: services)
                if outcome.ran > 0 {
                    services.logger.info(
                        "daily resets",
                        metadata: [
                            "worker": "\(worker)", "ran": "\(outcome.ran)", "reset": "\(outcome.reset)",
                            "ms": "\(Int(Date().timeIntervalSince(started) * 1000))",
                        ])
                }
            }
        }
        if Date().timeIntervalSince(lastPrune) >= Self.pruneInterval {
            lastPrune = Date()
            thread.attempt("reset event retention") {
                let pruned = try Self.prune(now: Date(), services: services)
                if pruned > 0 { services.logger.info("reset events pruned", metadata: ["events": "\(pruned)"]) }
            }
        }
    }

    /// In debug builds (tests) the clock-driven sweep leaves tasks overdue by more than a week to
    /// the test route: tests live through 2011 and 2025 with `X-Pomopomo-Test-Now`, and their
    /// timers would otherwise be reset at today's date the moment they were made. Release builds
    /// catch up on everything, however overdue.
    static var testClockHorizon: Date? {
        TestClock.isAvailable ? Date().addingTimeInterval(-7 * 86_400) : nil
    }

    /// Every due reset at `now()`, announced batch by batch (the debug route runs it at a test's instant).
    static func sweep(now: () -> Date, dueSince: Date? = nil, services: Services) throws -> DailyResetSweep.Outcome {
        try DailyResetSweep.run(now: now, dueSince: dueSince, database: services.database) { wakes in services.hub.notify(wakes) }
    }

    /// Deletes reset events older than the retention at `now`, a batch per statement; returns how many.
    static func prune(now: Date, services: Services) throws -> Int {
        let cutoff = now.addingTimeInterval(-Double(services.config.resetEventRetentionDays) * 86_400)
        var total = 0
        while true {
            let pruned = try services.database.transaction { conn in
                try SessionResetLog.prune(before: cutoff, limit: pruneBatch, on: conn)
            }
            total += pruned
            if pruned < pruneBatch { return total }
        }
    }
}
