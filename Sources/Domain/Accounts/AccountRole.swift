/// What an account may do: everyone is a user; admins also moderate. Stored in `users.role`.
public enum AccountRole: String, Sendable, CaseIterable {
    case user = "USER"
    case admin = "ADMIN"

    public init(stored: String) { self = AccountRole(rawValue: stored) ?? .user }
}
