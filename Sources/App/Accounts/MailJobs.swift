import Foundation

/// The account jobs thread: answers mail requests and sends the outbox every half second (SKIP
/// LOCKED keeps responders from sending a message twice), and tidies expired account data every
/// ten minutes.
final class MailJobs: Sendable {
    static let interval: TimeInterval = 0.5
    static let cleanupInterval: TimeInterval = 600
    private let services: Services
    private let thread: JobThread
    /// Touched by the job thread alone.
    nonisolated(unsafe) private var lastCleanup = Date.distantPast

    init(services: Services) {
        self.services = services
        thread = JobThread(name: "mail-jobs", interval: Self.interval, logger: services.logger)
    }

    func start() { thread.start { [self] in tick() } }

    func stop() { thread.stop() }

    private func tick() {
        thread.attempt("mail") {
            _ = try AccountMail.answerRequests(services: services)
            _ = try Outbox.sendDue(services: services)
        }
        if Date().timeIntervalSince(lastCleanup) >= Self.cleanupInterval {
            lastCleanup = Date()
            thread.attempt("account clean-up") {
                for (channel, version) in try AccountCleanup.run(database: services.database) {
                    services.hub.notify(channel: channel, version: version)
                }
            }
        }
    }
}
