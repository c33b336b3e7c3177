import Foundation
import Postgres
import Redis

/// `pomopomo leaderboards rebuild`: recomputes every board from PostgreSQL (the serve jobs do the
/// same by themselves after a flush or an outage) and prints one summary line. While another
/// rebuild runs it waits for it, then rebuilds again, since that one may have read PostgreSQL
/// before the changes this command was run for.
public enum LeaderboardsCommand {
    public static func rebuild() throws {
        let env = try CommandEnvironment.load()
        guard let endpoint = env.config.redis else {
            FileHandle.standardError.write(Data("neither POMOPOMO_REDIS nor POMOPOMO_REDIS_SENTINELS is set: the leaderboards live in Redis\n".utf8))
            throw CommandExit.failure
        }
        let boards = Leaderboards(
            redis: RedisPool(locator: RedisLocator(endpoint), timeout: 10), database: PostgresPool(conninfo: env.config.databaseURL, size: 2),
            logger: env.logger)
        let deadline = Date().addingTimeInterval(90)
        do {
            while true {
                if let summary = try LeaderboardRebuild(boards: boards).run() {
                    print(summary.line)
                    return
                }
                guard Date() < deadline else {
                    FileHandle.standardError.write(Data("another leaderboards rebuild held the lock for 90 s\n".utf8))
                    throw CommandExit.failure
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
        } catch let exit as CommandExit {
            throw exit
        } catch {
            env.logger.critical("leaderboards rebuild failed", metadata: ["error": "\(error)"])
            throw CommandExit.failure
        }
    }
}
