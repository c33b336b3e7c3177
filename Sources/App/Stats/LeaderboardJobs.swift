import Foundation

/// Keeps the boards true with nobody looking, a thread in every responder: every second it asks
/// `Leaderboards.maintain` (streaks past their end leave the consistency board; a flushed, lost
/// or stale set of boards is rebuilt by one responder). Cheap when all is well: one Lua call and
/// one GET.
final class LeaderboardJobs: Sendable {
    static let interval: TimeInterval = 1

    private let services: Services
    private let thread: JobThread

    init(services: Services) {
        self.services = services
        thread = JobThread(name: "leaderboard-jobs", interval: Self.interval, logger: services.logger)
    }

    func start() { thread.start { [self] in thread.attempt("leaderboards") { try services.leaderboards.maintain() } } }

    func stop() { thread.stop() }
}
