import Foundation
import Logging
import Web

/// What every command starts from: logging set up as POMOPOMO_LOG_LEVEL asks, and the
/// configuration read from the environment.
struct CommandEnvironment {
    let config: Config
    let logger: Logger

    /// Exits 2 on a bad configuration, before the command touches anything.
    static func load() throws -> CommandEnvironment {
        let level = Logger.Level(rawValue: ProcessInfo.processInfo.environment["POMOPOMO_LOG_LEVEL"] ?? "info") ?? .info
        LoggingSystem.bootstrap { KeyValueLogHandler(label: $0, level: level) }
        let logger = Logger(label: "pomopomo")
        do {
            return CommandEnvironment(config: try Config.fromEnvironment(), logger: logger)
        } catch {
            logger.critical("bad configuration", metadata: ["error": "\(error)"])
            throw CommandExit.usage
        }
    }
}
