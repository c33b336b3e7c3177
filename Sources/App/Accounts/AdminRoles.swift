import Domain
import Postgres

/// For `pomopomo admin grant|revoke EMAIL`.
public enum AdminRoles {
    public static func set(email: String, role: String, config: Config) throws -> Bool {
        guard let role = AccountRole(rawValue: role) else { return false }
        return try UserStore(database: PostgresPool(conninfo: config.databaseURL, size: 1)).setRole(email: email, role: role)
    }
}
