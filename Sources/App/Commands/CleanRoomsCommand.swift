import Foundation
import Postgres
import Redis

/// `pomopomo clean-rooms`: prints one summary line, which the tests and operators read.
public enum CleanRoomsCommand {
    public static func run() throws {
        let env = try CommandEnvironment.load()
        do {
            let started = Date()
            let redis = env.config.redis.map { RedisPool(locator: RedisLocator($0)) }
            let summary = try StatsStore(database: PostgresPool(conninfo: env.config.databaseURL, size: 2)).cleanExpiredRooms(redis: redis)
            let elapsed = Int(Date().timeIntervalSince(started) * 1000)
            print(
                "rooms=\(summary.rooms) participants=\(summary.participants) sessions=\(summary.sessions) focus_seconds=\(summary.focusSeconds) elapsed_ms=\(elapsed)"
            )
        } catch {
            env.logger.critical("clean-rooms failed", metadata: ["error": "\(error)"])
            throw CommandExit.failure
        }
    }
}
