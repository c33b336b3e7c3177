import Foundation

/// A public handle for /u/{username}. NFKC first, so fullwidth and other compatibility forms
/// become the letters they look like; then a plain ASCII set, so look-alikes from other scripts,
/// invisible and direction characters cannot pass at all. Uniqueness ignores case (the store's
/// index on lower(username)); the typed case is kept for display.
public struct Username: Hashable, Sendable {
    public static let lengthRange = 3...30
    /// Names that would collide with our own pages or pretend to speak for us.
    public static let reserved: Set<String> = [
        "about", "account", "accounts", "admin", "administrator", "api", "app", "auth", "billing", "blog",
        "contact", "dashboard", "delete", "docs", "friends", "guest", "healthz", "help", "home", "join",
        "leaderboard", "leaderboards", "login", "logout", "mail", "me", "messages", "metrics", "mod",
        "moderator", "music", "new", "notifications", "null", "official", "owner", "password", "pomo",
        "pomopomo", "privacy", "r", "readyz", "register", "root", "rooms", "security", "settings",
        "signin", "signout", "signup", "staff", "static", "stats", "support", "system", "team", "terms",
        "u", "undefined", "user", "users", "www",
    ]

    public let value: String
    /// The comparison key: what uniqueness and lookups use.
    public var key: String { value.lowercased() }

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case length
        case characters
        case reserved

        public var description: String {
            switch self {
            case .length: return "A username must be 3 to 30 characters long."
            case .characters: return "A username may use only the letters a–z, digits, “_” and “-”, and must start with a letter or digit."
            case .reserved: return "That username is reserved. Please choose another."
            }
        }
    }

    public init(validating raw: String) throws(Problem) {
        let normalized = raw.precomposedStringWithCompatibilityMapping.trimmingCharacters(in: .whitespaces)
        let scalars = Array(normalized.unicodeScalars)
        guard Self.lengthRange.contains(scalars.count) else {
            throw scalars.allSatisfy(Self.isAllowed) || scalars.isEmpty ? .length : .characters
        }
        guard scalars.allSatisfy(Self.isAllowed), let first = scalars.first, Self.isAlphanumeric(first) else {
            throw .characters
        }
        if Self.reserved.contains(normalized.lowercased()) { throw .reserved }
        value = normalized
    }

    /// A valid, unreserved name built from arbitrary text (an OAuth login or an email's local
    /// part), or nil when nothing usable is left.
    public static func suggestion(from text: String) -> Username? {
        let cleaned = String(
            text.precomposedStringWithCompatibilityMapping.unicodeScalars
                .map { isAllowed($0) ? Character($0) : "-" }
        )
        .split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-")
        var candidate = String(cleaned.drop { !($0.isASCII && ($0.isLetter || $0.isNumber)) }.prefix(24))
        while candidate.hasSuffix("-") || candidate.hasSuffix("_") { candidate.removeLast() }
        if candidate.count < 3 { candidate += "-focus" }
        return (try? Username(validating: candidate)) ?? (try? Username(validating: candidate + "-1"))
    }

    static func isAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
    }

    static func isAllowed(_ s: Unicode.Scalar) -> Bool {
        isAlphanumeric(s) || s == "_" || s == "-"
    }
}
