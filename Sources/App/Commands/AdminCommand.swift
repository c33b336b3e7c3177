import Domain
import Foundation
import Postgres

/// `pomopomo admin grant|revoke EMAIL`: there is no default admin, so this is how the first
/// one is made.
public enum AdminCommand {
    public static func grant(email: String) throws { try setRole(.admin, email: email) }
    public static func revoke(email: String) throws { try setRole(.user, email: email) }

    static func setRole(_ role: AccountRole, email: String) throws {
        let env = try CommandEnvironment.load()
        let found: Bool
        do {
            found = try UserStore(database: PostgresPool(conninfo: env.config.databaseURL, size: 1)).setRole(email: email, role: role)
        } catch {
            env.logger.critical("admin failed", metadata: ["error": "\(error)"])
            throw CommandExit.failure
        }
        guard found else {
            FileHandle.standardError.write(Data("no account uses the email address \(email)\n".utf8))
            throw CommandExit.failure
        }
        print("\(email) is now \(role.rawValue)")
    }
}
