import Foundation
import Postgres

/// SQL for `api_tokens`: a person's personal API tokens, kept as SHA-256 only.
struct APITokenStore {
    let database: PostgresPool

    struct Listed {
        let id: String
        let name: String
        let hint: String
        let createdAt: Double
        let lastUsedAt: Double?
    }

    /// Whom a token names, as `APIAuth` needs it.
    struct Holder {
        let tokenID: String
        let userID: String
        let timezone: String
    }

    /// The user's tokens, newest first.
    func list(userID: String) throws -> [Listed] {
        try database.query(
            """
            SELECT id, name, hint, extract(epoch FROM created_at)::float8, extract(epoch FROM last_used_at)::float8
            FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id
            """, [userID]
        ).map {
            Listed(
                id: $0.string(0), name: $0.string(1), hint: $0.string(2), createdAt: Double($0.string(3)) ?? 0,
                lastUsedAt: $0[4].flatMap(Double.init))
        }
    }

    /// Locks the user's row, so two creations at once count each other against the cap.
    static func lockOwner(_ userID: String, on conn: PostgresConnection) throws {
        try conn.query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", [userID])
    }

    /// Adds a token unless the user already has `cap`; false when full.
    static func create(
        userID: String, name: String, hash: [UInt8], hint: String, cap: Int, on conn: PostgresConnection
    ) throws -> Bool {
        try conn.query(
            """
            INSERT INTO api_tokens (user_id, name, token_hash, hint)
            SELECT $1, $2, $3, $4 WHERE (SELECT count(*) FROM api_tokens WHERE user_id = $1) < $5
            """, [userID, name, ByteA(hash), hint, cap]
        ).affectedRows == 1
    }

    /// Deletes the user's token `id`; false when they have none by that id (someone else's
    /// looks the same as a missing one).
    func revoke(id: String, userID: String) throws -> Bool {
        try database.query("DELETE FROM api_tokens WHERE id = $1::uuid AND user_id = $2", [id, userID]).affectedRows == 1
    }

    /// The holder of the token whose SHA-256 is `hash`, noting its use (at most once a minute,
    /// so a busy script does not write a row per request); nil for no such token, and for the
    /// token of a suspended or banned account.
    func holder(hash: [UInt8]) throws -> Holder? {
        try database.query(
            """
            WITH t AS (
                SELECT a.id, a.user_id, a.last_used_at, u.timezone FROM api_tokens a JOIN users u ON u.id = a.user_id
                WHERE a.token_hash = $1 AND (u.suspended_until IS NULL OR u.suspended_until <= now())),
            used AS (
                UPDATE api_tokens a SET last_used_at = now() FROM t
                WHERE a.id = t.id AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute'))
            SELECT id, user_id, timezone FROM t
            """, [ByteA(hash)]
        ).first.map { Holder(tokenID: $0.string(0), userID: $0.string(1), timezone: $0.string(2)) }
    }
}
