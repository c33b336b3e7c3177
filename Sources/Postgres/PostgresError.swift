/// Errors from PostgreSQL, sorted by what the caller can do about them.
public enum PostgresError: Error, CustomStringConvertible, Sendable {
    /// The server could not be reached or the connection broke; retrying later may work.
    case unavailable(String)
    /// A unique constraint refused the row (SQLSTATE 23505).
    case uniqueViolation(constraint: String?, message: String)
    /// Serialization failure or deadlock (40001, 40P01): the transaction may be retried as a whole.
    case retryable(sqlstate: String, message: String)
    /// No connection became free in time.
    case poolExhausted
    /// Anything else the server refused.
    case server(sqlstate: String, message: String)

    public var description: String {
        switch self {
        case .unavailable(let m): return "postgres unavailable: \(m)"
        case .uniqueViolation(let c, let m): return "unique violation (\(c ?? "?")): \(m)"
        case .retryable(let s, let m): return "retryable \(s): \(m)"
        case .poolExhausted: return "postgres pool exhausted"
        case .server(let s, let m): return "postgres \(s): \(m)"
        }
    }

    /// Maps a SQLSTATE to the case a caller can act on.
    static func from(sqlstate: String, message: String, constraint: String?) -> PostgresError {
        switch sqlstate {
        case "23505": return .uniqueViolation(constraint: constraint, message: message)
        case "40001", "40P01": return .retryable(sqlstate: sqlstate, message: message)
        // Class 08 (connection exception), 57P01-03 (admin shutdown, crash, cannot connect now).
        case let s where s.hasPrefix("08") || s == "57P01" || s == "57P02" || s == "57P03":
            return .unavailable(message)
        default: return .server(sqlstate: sqlstate, message: message)
        }
    }
}
