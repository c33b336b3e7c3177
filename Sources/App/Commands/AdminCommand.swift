import Domain
import Foundation
import Postgres

/// `pomopomo admin grant|revoke EMAIL`: there is no default admin, so this is how the first
/// one is made.
public enum AdminCommand {
    public static func grant(email: String) throws { try setRole(.admin, email: email) }
    public static func revoke(email: String) throws { try setRole(.user, email: email) }

    /// `pomopomo admin reset-two-factor EMAIL`: for an admin who lost both their authenticator
    /// and their recovery codes. Their sessions lose the second factor; the next admin page asks
    /// them to set it up again.
    public static func resetTwoFactor(email: String) throws {
        let env = try CommandEnvironment.load()
        let outcome: Bool?
        do {
            outcome = try PostgresPool(conninfo: env.config.databaseURL, size: 1).transaction { conn -> Bool? in
                guard let row = try conn.query("SELECT id FROM users WHERE lower(email) = lower($1)", [email]).first else { return nil }
                return try TwoFactorStore.reset(userID: row.string(0), on: conn)
            }
        } catch {
            env.logger.critical("admin reset-two-factor failed", metadata: ["error": "\(error)"])
            throw CommandExit.failure
        }
        guard let reset = outcome else {
            FileHandle.standardError.write(Data("no account uses the email address \(email)\n".utf8))
            throw CommandExit.failure
        }
        print(reset ? "\(email) has no second factor now: it is set up again at the next admin page" : "\(email) had no second factor")
    }

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
