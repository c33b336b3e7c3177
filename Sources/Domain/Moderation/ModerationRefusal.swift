/// Why an admin action or a report was refused. Stores and handlers throw it; `ErrorMapping`
/// gives each case its status.
public enum ModerationRefusal: Error, Sendable, Equatable {
    /// No such account, room, message or report: 404.
    case notFound
    /// Bad input (a reason over the limit, an unknown duration or action): 422.
    case invalid(String)
    /// The admin's own account: an admin acts on others only (422).
    case yourself
    /// Another admin: suspending, banning, ending sessions or deleting an admin needs their
    /// admin role taken away first, which is its own audited step (403).
    case targetIsAdmin
    /// The only admin left cannot lose the role (409).
    case lastAdmin
    /// Already so (a report already resolved, a room already closed): 409.
    case conflict(String)
    /// A suspended or banned account signing in, by any way: 403 with how long it lasts.
    case signInRefused(String)

    /// The case's name, for the log (never the typed text).
    public var kind: String {
        switch self {
        case .notFound: return "not_found"
        case .invalid: return "invalid"
        case .yourself: return "yourself"
        case .targetIsAdmin: return "target_is_admin"
        case .lastAdmin: return "last_admin"
        case .conflict: return "conflict"
        case .signInRefused: return "sign_in_refused"
        }
    }

    public var message: String {
        switch self {
        case .notFound: return "There is no such thing to act on."
        case .invalid(let text), .conflict(let text), .signInRefused(let text): return text
        case .yourself: return "That is your own account. Another admin has to do this."
        case .targetIsAdmin: return "That account is an admin. Make them a user first (that is recorded too), then act."
        case .lastAdmin: return "This is the last admin: there would be nobody left to moderate."
        }
    }
}
