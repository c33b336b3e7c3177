import Sodium
import Web

/// The browser's session: a 256-bit random id in an HttpOnly cookie, known to the database
/// only by its SHA-256.
public struct SessionID: Sendable, Equatable {
    public static let cookieName = "pp_sid"
    /// On https the cookie is `__Host-pp_sid`: browsers then accept it only Secure, for Path=/
    /// and without a Domain, so a sibling subdomain or a plain-http page cannot plant or shadow it.
    public static func cookieName(secure: Bool) -> String { secure ? "__Host-" + cookieName : cookieName }
    /// Guests keep their rooms for as long as rooms live, and then some.
    public static let lifetimeSeconds = 90 * 24 * 3600

    public let raw: String
    public let hash: [UInt8]
    /// True when this request had no valid cookie and one must be set.
    public let isNew: Bool

    init(raw: String, isNew: Bool) {
        self.raw = raw
        hash = Sodium.sha256(Array(raw.utf8))
        self.isNew = isNew
    }

    /// The session named by the cookie, or a fresh one when it is absent or malformed.
    public static func from(cookie: String?) -> SessionID {
        if let cookie, cookie.utf8.count == 43, let bytes = Base64URL.decode(cookie), bytes.count == 32 {
            return SessionID(raw: cookie, isNew: false)
        }
        return fresh()
    }

    public static func fresh() -> SessionID {
        SessionID(raw: Base64URL.encode(Sodium.randomBytes(32)), isNew: true)
    }
}
