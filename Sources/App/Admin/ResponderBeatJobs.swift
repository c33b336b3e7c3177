import Foundation

/// Writes this responder's parked-poll count every `interval` seconds (`ResponderBeats`).
final class ResponderBeatJobs: @unchecked Sendable {
    static let interval: TimeInterval = 5

    private let services: Services
    private let thread: JobThread
    /// Host, process id and socket: which responder this is, on the dashboard.
    let name: String

    init(services: Services) {
        self.services = services
        thread = JobThread(name: "responder-beat", interval: Self.interval, logger: services.logger)
        let socket = services.config.socket.split(separator: "/").last.map(String.init) ?? services.config.socket
        name = "\(ProcessInfo.processInfo.hostName) pid \(ProcessInfo.processInfo.processIdentifier) (\(socket))"
    }

    func start() {
        thread.start { [self] in
            thread.attempt("beat") {
                try ResponderBeats.beat(name: name, parkedPolls: services.hub.parkedCount, database: services.database)
            }
        }
    }

    func stop() {
        thread.stop()
        try? ResponderBeats.forget(name: name, database: services.database)
    }
}
