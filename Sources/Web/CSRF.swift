import Sodium

/// CSRF tokens derived from the session id with a server secret (HMAC), so checking one needs
/// no storage and a token is useless with any other session.
public struct CSRFProtector: Sendable {
    private let key: [UInt8]

    public init(secret: String) {
        key = Sodium.sha256(Array("pomopomo-csrf:".utf8) + Array(secret.utf8))
    }

    public func token(forSession sessionID: String) -> String {
        Base64URL.encode(Sodium.hmacSHA256(key: key, message: Array(sessionID.utf8)))
    }

    public func isValid(_ token: String?, forSession sessionID: String) -> Bool {
        guard let token, let given = Base64URL.decode(token) else { return false }
        return Sodium.constantTimeEqual(given, Sodium.hmacSHA256(key: key, message: Array(sessionID.utf8)))
    }

    /// Browsers tell us where a request came from; a cross-site state change is refused even
    /// before the token is looked at.
    public static func isCrossSite(origin: String?, secFetchSite: String?, allowedOrigins: [String]) -> Bool {
        if let site = secFetchSite?.lowercased(), site == "cross-site" { return true }
        if let origin, origin != "null" {
            return !allowedOrigins.contains(origin)
        }
        return origin == "null"
    }
}
