import Foundation

/// The social side's background work in every responder: once a second, who this responder saw
/// online goes to Redis, and friends of people who just came online are told.
final class SocialJobs: @unchecked Sendable {
    private let services: Services
    private let thread: JobThread

    init(services: Services) {
        self.services = services
        thread = JobThread(name: "social-jobs", interval: 1, logger: services.logger)
    }

    func start() {
        thread.start { [self] in
            thread.attempt("online") {
                let fresh = UserPresence.refresh(services.online.drain(), redis: services.redis)
                PresenceFanOut.tell(fresh, services: services)
            }
        }
    }

    func stop() { thread.stop() }
}
