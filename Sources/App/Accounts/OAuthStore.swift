import Postgres
import Sodium

/// The oauth_flows and oauth_identities tables. Flow tokens (`state`, and the pending-link
/// token of a consent page) are stored as SHA-256 and bound to the session that made them.
struct OAuthStore {
    static let flowSeconds = 600
    let database: PostgresPool

    static func hashed(_ token: String) -> ByteA { ByteA(Sodium.sha256(Array(token.utf8))) }

    /// Records a flow about to leave for the provider.
    func begin(state: String, session: SessionID, provider: OAuthProvider.Kind, verifier: String) throws {
        try database.query(
            """
            INSERT INTO oauth_flows (state_hash, session_hash, provider, verifier, expires_at)
            VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
            """, [Self.hashed(state), ByteA(session.hash), provider.rawValue, verifier, Self.flowSeconds])
    }

    /// Uses up the flow `state` names for this session and provider; its PKCE verifier, or nil.
    func finish(state: String, session: SessionID, provider: OAuthProvider.Kind) throws -> String? {
        try database.query(
            """
            DELETE FROM oauth_flows WHERE state_hash = $1 AND session_hash = $2 AND provider = $3 AND link_user_id IS NULL
              AND expires_at > now() RETURNING verifier
            """, [Self.hashed(state), ByteA(session.hash), provider.rawValue]
        ).first?.string(0)
    }

    /// Keeps a provider's answer until the person agrees to link it to `userID`.
    static func awaitConsent(
        pending: String, session: SessionID, provider: OAuthProvider.Kind, userID: String, subject: String,
        email: String?, on conn: PostgresConnection
    ) throws {
        try conn.query(
            """
            INSERT INTO oauth_flows (state_hash, session_hash, provider, verifier, link_user_id, subject, email, expires_at)
            VALUES ($1, $2, $3, '', $4, $5, $6, now() + make_interval(secs => $7))
            """, [hashed(pending), ByteA(session.hash), provider.rawValue, userID, subject, email, flowSeconds])
    }

    /// Uses up a pending link made for this session: (provider, subject, email, user id).
    static func takeConsent(
        pending: String, session: SessionID,
        on conn: PostgresConnection
    ) throws -> (provider: String, subject: String, email: String?, userID: String)? {
        try conn.query(
            """
            DELETE FROM oauth_flows WHERE state_hash = $1 AND session_hash = $2 AND link_user_id IS NOT NULL AND expires_at > now()
            RETURNING provider, subject, email, link_user_id
            """, [hashed(pending), ByteA(session.hash)]
        ).first.map { ($0.string(0), $0.string(1), $0[2], $0.string(3)) }
    }

    /// The account a provider identity signs in to.
    static func user(provider: String, subject: String, on conn: PostgresConnection) throws -> String? {
        try conn.query("SELECT user_id FROM oauth_identities WHERE provider = $1 AND subject = $2", [provider, subject]).first?.string(0)
    }

    static func link(provider: String, subject: String, email: String?, to userID: String, on conn: PostgresConnection) throws {
        try conn.query(
            """
            INSERT INTO oauth_identities (provider, subject, user_id, email) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
            """, [provider, subject, userID, email])
    }

    /// The providers an account can sign in with.
    func providers(linkedTo userID: String) throws -> [String] {
        try database.query("SELECT provider FROM oauth_identities WHERE user_id = $1", [userID]).map { $0.string(0) }
    }
}
