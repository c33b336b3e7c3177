import Foundation
import Postgres

/// `pomopomo journal rebuild [--user ID]`: recomputes journal projections from the events, one
/// account (or every account with a journal), each in its own transaction. Prints one summary line.
public enum JournalCommand {
    public static func rebuild(userID: String?) throws {
        let env = try CommandEnvironment.load()
        let database = PostgresPool(conninfo: env.config.databaseURL, size: 1)
        let started = Date()
        var owners = 0
        var events = 0
        do {
            if let userID {
                guard try UserStore(database: database).find(id: userID) != nil else {
                    FileHandle.standardError.write(Data("no account has the id \(userID)\n".utf8))
                    throw CommandExit.failure
                }
                events += try database.transaction { try JournalRebuild.rebuild(userID: userID, on: $0) }
                owners = 1
            } else {
                var after = "00000000-0000-0000-0000-000000000000"
                while true {
                    let page = try database.withConnection { try JournalLog.owners(after: after, limit: 500, on: $0) }
                    guard let last = page.last else { break }
                    for id in page { events += try database.transaction { try JournalRebuild.rebuild(userID: id, on: $0) } }
                    owners += page.count
                    after = last
                }
            }
        } catch let exit as CommandExit {
            throw exit
        } catch {
            env.logger.critical("journal rebuild failed", metadata: ["error": "\(error)", "owners": "\(owners)"])
            throw CommandExit.failure
        }
        print("users=\(owners) events=\(events) elapsed_ms=\(Int(Date().timeIntervalSince(started) * 1000))")
    }
}
