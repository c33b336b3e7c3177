import Foundation
import Postgres

/// `pomopomo achievements backfill`: awards every rule to every account that meets it from its
/// ledger, the way to hand out a rule added later. Prints one summary line (`awarded=` is how
/// many were new), which the tests and operators read.
public enum AchievementsCommand {
    public static func backfill() throws {
        let env = try CommandEnvironment.load()
        do {
            let started = Date()
            let result = try AchievementAwards.backfill(database: PostgresPool(conninfo: env.config.databaseURL, size: 1))
            let elapsed = Int(Date().timeIntervalSince(started) * 1000)
            print("accounts=\(result.accounts) awarded=\(result.awarded) elapsed_ms=\(elapsed)")
        } catch {
            env.logger.critical("achievements backfill failed", metadata: ["error": "\(error)"])
            throw CommandExit.failure
        }
    }
}
