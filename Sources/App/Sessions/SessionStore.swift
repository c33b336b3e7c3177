import Postgres

/// The sessions table. Rows are written when a session first changes something (a POST), so
/// crawlers and one-off visits cost no writes.
enum SessionStore {
    /// Creates the session row or extends its life; idempotent. Runs inside the caller's
    /// transaction.
    static func touch(_ session: SessionID, on conn: PostgresConnection) throws {
        try conn.query(
            """
            INSERT INTO sessions (id_hash, expires_at) VALUES ($1, now() + make_interval(secs => $2))
            ON CONFLICT (id_hash) DO UPDATE SET last_seen_at = now(), expires_at = EXCLUDED.expires_at
            """, [ByteA(session.hash), SessionID.lifetimeSeconds])
    }
}
