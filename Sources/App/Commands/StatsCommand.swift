import Foundation
import Postgres

/// `pomopomo stats rebuild [--user ID]`: recomputes tallies (`user_stats`) from the ledger, for
/// one account or every account with credit, each in its own transaction with its tally row
/// locked, so crediting can go on meanwhile. Prints one summary line.
public enum StatsCommand {
    public static func rebuild(userID: String?) throws {
        let env = try CommandEnvironment.load()
        let database = PostgresPool(conninfo: env.config.databaseURL, size: 1)
        let started = Date()
        var rebuilt = 0
        do {
            if let userID {
                guard try UserStore(database: database).find(id: userID) != nil else {
                    FileHandle.standardError.write(Data("no account has the id \(userID)\n".utf8))
                    throw CommandExit.failure
                }
                try rebuildOne(userID, database)
                rebuilt = 1
            } else {
                var after = "00000000-0000-0000-0000-000000000000"
                while true {
                    let page = try database.withConnection { try FocusLedger.creditedUsers(after: after, limit: 500, on: $0) }
                    guard let last = page.last else { break }
                    for id in page { try rebuildOne(id, database) }
                    rebuilt += page.count
                    after = last
                }
            }
        } catch let exit as CommandExit {
            throw exit
        } catch {
            env.logger.critical("stats rebuild failed", metadata: ["error": "\(error)", "rebuilt": "\(rebuilt)"])
            throw CommandExit.failure
        }
        print("users=\(rebuilt) elapsed_ms=\(Int(Date().timeIntervalSince(started) * 1000))")
    }

    private static func rebuildOne(_ userID: String, _ database: PostgresPool) throws {
        try database.transaction { conn in
            try UserStatsStore(database: database).lockTally(userID: userID, on: conn)
            try FocusLedger.rebuild(userID: userID, on: conn)
        }
    }
}
