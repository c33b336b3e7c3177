import Domain
import Foundation
import Postgres

/// What admins read about accounts: the search, and a user's page (standing, sessions, rooms).
struct AdminUserDirectory {
    let database: PostgresPool

    struct Found {
        let id: String
        let username: String
        let email: String
        let role: AccountRole
        let verified: Bool
        let createdAt: Double
        let standing: AccountStanding
    }

    struct Session {
        let userAgent: String
        let signedInAt: Double
        let lastSeenAt: Double
    }

    struct Seat {
        let code: String
        let name: String
        let isHost: Bool
        let isMuted: Bool
        let lastSeenAt: Double
        let live: Bool
    }

    /// Newest first: the account with this id, or those whose username or email contains `query`
    /// (any case; `%` and `_` are plain characters here).
    func search(_ query: String, limit: Int = 100) throws -> [Found] {
        let now = Date().timeIntervalSince1970
        return try database.query(
            """
            SELECT id::text, username, email, role, email_verified_at IS NOT NULL, extract(epoch FROM created_at)::float8,
                   suspension_epoch(suspended_until)
            FROM users
            WHERE $1 = '' OR id::text = lower($1) OR strpos(lower(username), lower($1)) > 0 OR strpos(lower(email), lower($1)) > 0
            ORDER BY created_at DESC LIMIT $2
            """, [query, limit]
        ).map {
            Found(
                id: $0.string(0), username: $0.string(1), email: $0.string(2), role: AccountRole(stored: $0.string(3)), verified: $0.bool(4),
                createdAt: Double($0.string(5)) ?? 0, standing: AccountStanding(suspendedUntil: $0[6].flatMap(Double.init), now: now))
        }
    }

    /// The account's standing and the reason given for it.
    func standing(_ id: String) throws -> (AccountStanding, reason: String) {
        let row = try database.query("SELECT suspension_epoch(suspended_until), suspension_reason FROM users WHERE id = $1", [id]).first
        return (AccountStanding(suspendedUntil: row?[0].flatMap(Double.init), now: Date().timeIntervalSince1970), row?.string(1) ?? "")
    }

    /// The account's live signed-in sessions, most recently used first.
    func sessions(_ id: String) throws -> [Session] {
        try database.query(
            """
            SELECT user_agent, extract(epoch FROM coalesce(signed_in_at, created_at))::float8, extract(epoch FROM last_seen_at)::float8
            FROM sessions s WHERE user_id = $1 AND \(AccountSessions.live) ORDER BY last_seen_at DESC LIMIT 100
            """, [id]
        ).map { Session(userAgent: $0.string(0), signedInAt: Double($0.string(1)) ?? 0, lastSeenAt: Double($0.string(2)) ?? 0) }
    }

    /// The account's seats in rooms that still exist, most recently seen first.
    func seats(_ id: String) throws -> [Seat] {
        try database.query(
            """
            SELECT r.code, p.display_name, p.role = 'host', p.is_muted, extract(epoch FROM p.last_seen_at)::float8, r.expires_at > now()
            FROM participants p JOIN rooms r ON r.id = p.room_id
            WHERE p.user_id = $1 ORDER BY p.last_seen_at DESC LIMIT 100
            """, [id]
        ).map {
            Seat(
                code: $0.string(0), name: $0.string(1), isHost: $0.bool(2), isMuted: $0.bool(3), lastSeenAt: Double($0.string(4)) ?? 0,
                live: $0.bool(5))
        }
    }
}
