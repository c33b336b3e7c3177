import Domain
import Postgres
import Sodium

/// Single-use, short-lived links sent by mail. The token is 256 random bits; only its SHA-256
/// is stored, so the database cannot be used to forge a link.
enum MailToken {
    /// What a link is for: an account (every purpose), or, for a sign-up's confirmation, the
    /// account to create once the address is proven.
    struct Claim {
        let userID: String?
        let email: String?
        let username: String?
        /// The password typed at the sign-up that sent a confirmation link.
        let passwordHash: String?
        /// The browser session that typed it.
        let sessionHash: [UInt8]?

        /// True when this browser typed the sign-up's password, so it may be adopted unasked.
        func typedHere(_ session: SessionID) -> Bool {
            guard let sessionHash else { return false }
            return Sodium.constantTimeEqual(sessionHash, session.hash)
        }
    }

    static func lifetime(_ purpose: MailPurpose) -> Int {
        switch purpose {
        case .verify: return 24 * 3600
        case .magic: return 15 * 60
        case .reset, .delete: return 3600
        }
    }

    /// The link a mail carries: the page for its purpose, with the token in the query.
    static func link(_ purpose: MailPurpose, token: String, base: String) -> String {
        "\(base)/auth/\(purpose.rawValue)?token=\(token)"
    }

    static func hashed(_ token: String) -> ByteA { ByteA(Sodium.sha256(Array(token.utf8))) }

    static func issue(_ purpose: MailPurpose, userID: String, on conn: PostgresConnection) throws -> String {
        let token = Base64URL.encode(Sodium.randomBytes(32))
        try conn.query(
            """
            INSERT INTO mail_tokens (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
            """, [hashed(token), userID, purpose.rawValue, lifetime(purpose)])
        return token
    }

    /// A sign-up's confirmation link: no account exists until it is used.
    static func issueSignUp(
        email: String, username: String, passwordHash: String?, sessionHash: [UInt8]?,
        on conn: PostgresConnection
    ) throws -> String {
        let token = Base64URL.encode(Sodium.randomBytes(32))
        try conn.query(
            """
            INSERT INTO mail_tokens (token_hash, purpose, expires_at, email, username, password_hash, session_hash)
            VALUES ($1, $2, now() + make_interval(secs => $3), $4, $5, $6, $7)
            """,
            [
                hashed(token), MailPurpose.verify.rawValue, lifetime(.verify), email, username, passwordHash,
                sessionHash.map { ByteA($0) },
            ])
        return token
    }

    static let claimColumns = "user_id, email, username, password_hash, session_hash"

    static func claim(_ row: PostgresRow) -> Claim {
        Claim(userID: row[0], email: row[1], username: row[2], passwordHash: row[3], sessionHash: row[4] == nil ? nil : row.bytes(4))
    }

    /// What a still-valid token is for, without using it (for the page a link opens).
    static func peek(_ token: String, _ purpose: MailPurpose, database: PostgresPool) throws -> Claim? {
        guard isWellFormed(token) else { return nil }
        return try database.query(
            """
            SELECT \(claimColumns) FROM mail_tokens
            WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
            """, [hashed(token), purpose.rawValue]
        ).first.map(claim)
    }

    /// Uses the token up; nil when unknown, used, expired or for another purpose. Two clicks at
    /// once: the row lock lets one win.
    static func consume(_ token: String, _ purpose: MailPurpose, on conn: PostgresConnection) throws -> Claim? {
        guard isWellFormed(token) else { return nil }
        return try conn.query(
            """
            UPDATE mail_tokens SET used_at = now()
            WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now() RETURNING \(claimColumns)
            """, [hashed(token), purpose.rawValue]
        ).first.map(claim)
    }

    /// The newest pending sign-up for an address, for a sign-in attempt made before confirming.
    static func pendingSignUp(email: String, database: PostgresPool) throws -> Claim? {
        try database.query(
            """
            SELECT \(claimColumns) FROM mail_tokens
            WHERE user_id IS NULL AND lower(email) = lower($1) AND used_at IS NULL AND expires_at > now()
            ORDER BY created_at DESC LIMIT 1
            """, [email]
        ).first.map(claim)
    }

    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && Base64URL.decode(token)?.count == 32
    }
}
