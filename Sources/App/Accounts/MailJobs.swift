import Foundation

/// The account jobs thread: answers mail requests and sends the outbox every half second (SKIP
/// LOCKED keeps responders from sending a message twice), and tidies expired account data every
/// ten minutes.
final class MailJobs: @unchecked Sendable {
    static let interval: TimeInterval = 0.5
    static let cleanupInterval: TimeInterval = 600
    private let services: Services
    private let lock = NSLock()
    private var stopped = false
    private var lastFailureLog = Date.distantPast

    init(services: Services) { self.services = services }

    func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "mail-jobs"
        thread.start()
    }

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

    private func run() {
        var lastCleanup = Date.distantPast
        while !isStopped {
            Thread.sleep(forTimeInterval: Self.interval)
            do {
                _ = try AccountMail.answerRequests(services: services)
                _ = try Outbox.sendDue(services: services)
                if Date().timeIntervalSince(lastCleanup) >= Self.cleanupInterval {
                    lastCleanup = Date()
                    for (channel, version) in try AccountCleanup.run(database: services.database) {
                        services.hub.notify(channel: channel, version: version)
                    }
                }
            } catch {
                if Date().timeIntervalSince(lastFailureLog) > 30 {
                    lastFailureLog = Date()
                    services.logger.warning("mail job failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
