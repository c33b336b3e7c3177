import Foundation
import Postgres
import Sodium

/// Who is signed in on this request, read from the sessions table (never from Redis, so losing
/// Redis signs nobody out).
struct CurrentUser: Sendable {
    let id: String
    let username: String
    let displayName: String
    let email: String
    let role: String
    let theme: String
    let soundOn: Bool
    let timezone: String

    var isAdmin: Bool { role == "ADMIN" }
}

/// Signed-in sessions: sign-in with rotation, sign-out, the sessions page.
struct AccountSessions {
    let database: PostgresPool

    /// The user of a live session, or nil for a guest, an ended or an expired session.
    func currentUser(_ session: SessionID) throws -> CurrentUser? {
        guard let row = try database.query("""
            SELECT u.id, u.username, u.display_name, u.email, u.role, u.theme, u.sound_on, u.timezone
            FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id_hash = $1 AND s.expires_at > now()
            """, [ByteA(session.hash)]).first else { return nil }
        return CurrentUser(id: row.string(0), username: row.string(1), displayName: row.string(2), email: row.string(3),
                           role: row.string(4), theme: row.string(5), soundOn: row.bool(6), timezone: row.string(7))
    }

    /// Signs `userID` in on this browser with a brand-new session id, in the caller's
    /// transaction. The browser's guest seats move to the new session (a guest who signs up
    /// keeps their rooms), seats the account left behind in ended sessions come back, and the
    /// old id stops existing, so a cookie planted before sign-in is worthless after it.
    /// Returns the new session and the rooms whose seats moved, at their new versions, to be
    /// announced once the transaction commits (their cached snapshots name the old session).
    func signIn(_ userID: String, replacing old: SessionID, userAgent: String,
                on conn: PostgresConnection) throws -> (session: SessionID, moved: [(channel: String, version: Int)]) {
        let fresh = SessionID.fresh()
        try conn.query("""
            INSERT INTO sessions (id_hash, user_id, user_agent, signed_in_at, expires_at)
            VALUES ($1, $2, $3, now(), now() + make_interval(secs => $4))
            """, [ByteA(fresh.hash), userID, String(userAgent.prefix(300)), SessionID.lifetimeSeconds])
        // Guest seats (and this account's own) come along; another account's seats, when someone
        // else was signed in on this browser, stay with that account.
        var rooms = Set(try conn.query("""
            UPDATE participants SET session_hash = $2, user_id = $3
            WHERE session_hash = $1 AND (user_id IS NULL OR user_id = $3) RETURNING room_id
            """, [ByteA(old.hash), ByteA(fresh.hash), userID]).map { $0.string(0) })
        rooms.formUnion(try conn.query("""
            UPDATE participants p SET session_hash = $2 FROM (
                SELECT DISTINCT ON (q.room_id) q.id FROM participants q
                WHERE q.user_id = $1
                  AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id_hash = q.session_hash)
                  AND NOT EXISTS (SELECT 1 FROM participants mine WHERE mine.room_id = q.room_id AND mine.session_hash = $2)
                ORDER BY q.room_id, (q.role = 'host') DESC, q.last_seen_at DESC) seat
            WHERE p.id = seat.id RETURNING p.room_id
            """, [userID, ByteA(fresh.hash)]).map { $0.string(0) })
        rooms.formUnion(try RoomSanctions.follow(from: old, to: fresh, userID: userID, on: conn))
        try conn.query("DELETE FROM sessions WHERE id_hash = $1", [ByteA(old.hash)])
        let moved = try rooms.sorted().map { ("room:\($0)", try RoomStore.bump($0, parts: [.personal], on: conn)) }
        return (fresh, moved)
    }

    func signOut(_ session: SessionID) throws {
        try database.query("DELETE FROM sessions WHERE id_hash = $1", [ByteA(session.hash)])
    }

    struct Listed {
        let publicID: String
        let userAgent: String
        let signedInAt: Double
        let lastSeenAt: Double
        let isCurrent: Bool
    }

    func list(userID: String, current: SessionID) throws -> [Listed] {
        try database.query("""
            SELECT public_id, user_agent, extract(epoch FROM coalesce(signed_in_at, created_at))::float8,
                   extract(epoch FROM last_seen_at)::float8, id_hash = $2
            FROM sessions WHERE user_id = $1 AND expires_at > now() ORDER BY last_seen_at DESC
            """, [userID, ByteA(current.hash)]).map {
            Listed(publicID: $0.string(0), userAgent: $0.string(1), signedInAt: Double($0.string(2)) ?? 0,
                   lastSeenAt: Double($0.string(3)) ?? 0, isCurrent: $0.bool(4))
        }
    }

    /// Ends one of my sessions by its public id; false when it is not mine (or gone).
    func end(userID: String, publicID: String) throws -> Bool {
        try database.query("DELETE FROM sessions WHERE user_id = $1 AND public_id = $2", [userID, publicID]).affectedRows == 1
    }

    /// Ends every session of the account but `keep` (nil: all of them).
    @discardableResult
    func endOthers(userID: String, keep: SessionID?, on conn: PostgresConnection? = nil) throws -> Int {
        let sql = "DELETE FROM sessions WHERE user_id = $1 AND id_hash IS DISTINCT FROM $2"
        let params: [any PostgresBindable] = [userID, keep.map { ByteA($0.hash) }]
        return try (conn.map { try $0.query(sql, params) } ?? database.query(sql, params)).affectedRows
    }
}

/// Single-use, short-lived links sent by mail. The token is 256 random bits; only its SHA-256
/// is stored, so the database cannot be used to forge a link.
enum MailToken {
    enum Purpose: String { case verify, magic, reset, delete }

    static func lifetime(_ purpose: Purpose) -> Int {
        switch purpose {
        case .verify: return 24 * 3600
        case .magic: return 15 * 60
        case .reset, .delete: return 3600
        }
    }

    static func issue(_ purpose: Purpose, userID: String, passwordHash: String? = nil, on conn: PostgresConnection) throws -> String {
        let token = Base64URL.encode(Sodium.randomBytes(32))
        try conn.query("""
            INSERT INTO mail_tokens (token_hash, user_id, purpose, expires_at, password_hash)
            VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5)
            """, [ByteA(Sodium.sha256(Array(token.utf8))), userID, purpose.rawValue, lifetime(purpose), passwordHash])
        return token
    }

    /// The account a still-valid token belongs to, without using it (for the page a link opens).
    static func peek(_ token: String, _ purpose: Purpose, database: PostgresPool) throws -> String? {
        guard isWellFormed(token) else { return nil }
        return try database.query("""
            SELECT user_id FROM mail_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
            """, [ByteA(Sodium.sha256(Array(token.utf8))), purpose.rawValue]).first?.string(0)
    }

    /// Uses the token up and returns its account; nil when unknown, used, expired or for
    /// another purpose. Two clicks at once: the row lock lets one win.
    static func consume(_ token: String, _ purpose: Purpose, on conn: PostgresConnection) throws -> (userID: String, passwordHash: String?)? {
        guard isWellFormed(token) else { return nil }
        return try conn.query("""
            UPDATE mail_tokens SET used_at = now()
            WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now() RETURNING user_id, password_hash
            """, [ByteA(Sodium.sha256(Array(token.utf8))), purpose.rawValue]).first.map { ($0.string(0), $0[1]) }
    }

    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && Base64URL.decode(token)?.count == 32
    }
}
