import Foundation
import Logging

/// A responder's background thread: runs its tick every `interval` until stopped. Steps run
/// through `attempt`, so a failing one (PostgreSQL down) is logged at most every 30 s and tried
/// again on the next tick instead of flooding the log or ending the thread. Each finished tick
/// is noted in `JobHeartbeats` (seen on `/metrics`).
final class JobThread: @unchecked Sendable {
    private let name: String
    private let interval: TimeInterval
    private let logger: Logger
    private let lock = NSLock()
    private var stopped = false
    private var lastFailureLog = Date.distantPast

    init(name: String, interval: TimeInterval, logger: Logger) {
        self.name = name
        self.interval = interval
        self.logger = logger
    }

    /// Starts the thread; `tick` runs after each `interval` of sleep.
    func start(_ tick: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            while !self.isStopped {
                Thread.sleep(forTimeInterval: self.interval)
                tick()
                JobHeartbeats.shared.beat(self.name)
            }
        }
        thread.name = name
        thread.start()
    }

    /// The thread ends after its current tick.
    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    /// Runs one step of a tick; its failure is logged now and then, never thrown.
    func attempt(_ step: String, _ body: () throws -> Void) {
        do { try body() } catch {
            lock.lock()
            let due = Date().timeIntervalSince(lastFailureLog) > 30
            if due { lastFailureLog = Date() }
            lock.unlock()
            if due { logger.warning("job failed", metadata: ["job": "\(name)", "step": "\(step)", "error": "\(error)"]) }
        }
    }
}
