import Domain
import Foundation
import Postgres

/// The users table.
struct UserStore {
    let database: PostgresPool

    static func account(_ row: PostgresRow) -> Account {
        Account(
            id: row.string(0), email: row.string(1), emailVerified: row.bool(2), passwordHash: row[3], username: row.string(4),
            displayName: row.string(5), bio: row.string(6),
            socialLinks: row.string(7).split(separator: "\n").map(String.init), showRecentRooms: row.bool(8),
            avatarFile: row[9], avatarType: row[10], theme: row.string(11), soundOn: row.bool(12), timezone: row.string(13),
            role: AccountRole(stored: row.string(14)), createdAt: Double(row.string(15)) ?? 0)
    }

    /// By email, ignoring case.
    func find(email: String, on conn: PostgresConnection? = nil) throws -> Account? {
        let sql = "SELECT * FROM account_rows WHERE lower(email) = lower($1)"
        return try (conn.map { try $0.query(sql, [email]) } ?? database.query(sql, [email])).first.map(Self.account)
    }

    /// By username, ignoring case.
    func find(username: String) throws -> Account? {
        try database.query("SELECT * FROM account_rows WHERE lower(username) = lower($1)", [username]).first.map(Self.account)
    }

    func find(id: String, on conn: PostgresConnection? = nil) throws -> Account? {
        guard UUID(uuidString: id) != nil else { return nil }
        let sql = "SELECT * FROM account_rows WHERE id = $1"
        return try (conn.map { try $0.query(sql, [id]) } ?? database.query(sql, [id])).first.map(Self.account)
    }

    func usernameTaken(_ name: Username, except userID: String? = nil, on conn: PostgresConnection) throws -> Bool {
        try conn.query(
            "SELECT 1 FROM users WHERE lower(username) = $1 AND id IS DISTINCT FROM $2::uuid",
            [name.key, userID]
        ).count > 0
    }

    /// A new account for a proven address; nil when the email or username is taken (a unique
    /// index decides, so two sign-ups at once cannot both win). Accounts are only ever made for
    /// addresses proven by a mailed link or a provider, never on a sign-up form's word.
    func create(
        email: EmailAddress, username: Username, displayName: String, passwordHash: String?,
        on conn: PostgresConnection
    ) throws -> String? {
        try conn.query(
            """
            INSERT INTO users (email, username, display_name, password_hash, email_verified_at)
            VALUES ($1, $2, $3, $4, now())
            ON CONFLICT DO NOTHING RETURNING id
            """, [email.value, username.value, displayName, passwordHash]
        ).first?.string(0)
    }

    /// A free username starting from `base`: base, base-2, base-3, … (for OAuth sign-ups).
    func freeUsername(from base: Username, on conn: PostgresConnection) throws -> Username {
        if try !usernameTaken(base, on: conn) { return base }
        for n in 2...500 {
            let stem = String(base.value.prefix(Username.lengthRange.upperBound - 4))
            if let candidate = try? Username(validating: "\(stem)-\(n)"), try !usernameTaken(candidate, on: conn) { return candidate }
        }
        return try Username(validating: "focus-" + String(UUID().uuidString.prefix(8)).lowercased())
    }

    /// The address of `userID` has just been proven (a mailed link was used, or a provider
    /// vouched for it). If it was not proven before, everything set up on the account before
    /// this proof was set up by someone who had not shown the address was theirs: the password,
    /// linked provider identities and signed-in sessions all end. The caller then adds what the
    /// prover brings (the password they typed, the identity they came with) and signs them in.
    /// Returns the rooms whose seats lost their sessions, to announce after commit.
    func prove(_ userID: String, on conn: PostgresConnection) throws -> [(channel: String, version: Int)] {
        guard try conn.query("SELECT email_verified_at IS NULL FROM users WHERE id = $1 FOR UPDATE", [userID]).first?.bool(0) == true else {
            return []
        }
        try conn.query("UPDATE users SET password_hash = NULL, email_verified_at = now() WHERE id = $1", [userID])
        try conn.query("DELETE FROM oauth_identities WHERE user_id = $1", [userID])
        return try AccountSessions.endOthers(userID: userID, keep: nil, on: conn)
    }

    func setPassword(_ userID: String, hash: String, on conn: PostgresConnection) throws {
        try conn.query("UPDATE users SET password_hash = $2 WHERE id = $1", [userID, hash])
    }

    struct ProfileChange {
        let displayName: DisplayName
        let username: Username
        let bio: String
        let links: SocialLinks
        let showRecentRooms: Bool
        /// nil leaves it as it is.
        let statsVisibility: StatsVisibility?
    }

    /// false when the username was taken meanwhile.
    func updateProfile(_ userID: String, _ change: ProfileChange) throws -> Bool {
        do {
            try database.query(
                """
                UPDATE users SET display_name = $2, username = $3, bio = $4,
                    social_links = CASE WHEN $5 = '' THEN '{}'::text[] ELSE string_to_array($5, E'\\n') END,
                    show_recent_rooms = $6, stats_visibility = coalesce($7, stats_visibility)
                WHERE id = $1
                """,
                [
                    userID, change.displayName.value, change.username.value, change.bio, change.links.urls.joined(separator: "\n"),
                    change.showRecentRooms, change.statsVisibility?.rawValue,
                ])
            return true
        } catch PostgresError.uniqueViolation {
            return false
        }
    }

    /// On the caller's transaction: /settings/preferences settles the personal timer in the same one.
    static func updatePreferences(_ userID: String, theme: String, soundOn: Bool, timezone: String, on conn: PostgresConnection) throws {
        try conn.query(
            "UPDATE users SET theme = $2, sound_on = $3, timezone = $4 WHERE id = $1",
            [userID, theme, soundOn, timezone])
    }

    /// The account's one zone (the personal timer's API changes it too).
    static func setTimezone(_ userID: String, _ zone: String, on conn: PostgresConnection) throws {
        try conn.query("UPDATE users SET timezone = $2 WHERE id = $1", [userID, zone])
    }

    /// Swaps the avatar; returns the previous file so the caller can delete it after commit.
    func setAvatar(_ userID: String, file: String?, type: String?) throws -> String? {
        try database.query(
            """
            UPDATE users u SET avatar_file = $2, avatar_type = $3 FROM (SELECT avatar_file FROM users WHERE id = $1 FOR UPDATE) old
            WHERE u.id = $1 RETURNING old.avatar_file
            """, [userID, file, type]
        ).first?[0]
    }

    /// Admin: grant or revoke; false for an unknown email.
    func setRole(email: String, role: AccountRole) throws -> Bool {
        try database.transaction { conn in
            let changed = try conn.query("UPDATE users SET role = $2 WHERE lower(email) = lower($1) RETURNING id", [email, role.rawValue])
            guard let id = changed.first?.string(0) else { return false }
            if role != .admin { try TwoFactorStore.forgetPassed(userID: id, on: conn) }
            return true
        }
    }

    /// A moderator clears a reported profile (issue 17): the bio and the picture go; returns the
    /// bio as it was and the picture's file, to delete once this has committed.
    static func clearProfile(_ userID: String, on conn: PostgresConnection) throws -> (bio: String, avatar: String?)? {
        try conn.query(
            """
            UPDATE users u SET bio = '', avatar_file = NULL, avatar_type = NULL
            FROM (SELECT bio, avatar_file FROM users WHERE id = $1 FOR UPDATE) old
            WHERE u.id = $1 RETURNING old.bio, old.avatar_file
            """, [userID]
        ).first.map { ($0.string(0), $0[1]) }
    }

    /// Whether the account may sign in (suspended or banned by an admin, or not).
    static func standing(_ userID: String, on conn: PostgresConnection, now: Double) throws -> AccountStanding {
        let row = try conn.query(
            "SELECT CASE WHEN suspended_until = 'infinity' THEN 'Infinity' ELSE extract(epoch FROM suspended_until)::text END FROM users WHERE id = $1",
            [userID]
        ).first
        return AccountStanding(suspendedUntil: row?[0].flatMap(Double.init), now: now)
    }

    /// Removes the account; sessions, identities and tokens go with it (cascade), room seats
    /// and messages stay in their rooms without the link to this account.
    func delete(_ userID: String, on conn: PostgresConnection) throws -> Account? {
        let account = try conn.query("SELECT * FROM account_rows WHERE id = $1", [userID]).first.map(Self.account)
        try conn.query("DELETE FROM users WHERE id = $1", [userID])
        return account
    }

    /// Rooms this account was in during the last 24 hours, newest first.
    func recentRooms(_ userID: String) throws -> [(code: String, lastSeen: Double, role: ParticipantRole)] {
        try database.query(
            """
            SELECT r.code, extract(epoch FROM max(p.last_seen_at))::float8, max(p.role)
            FROM participants p JOIN rooms r ON r.id = p.room_id
            WHERE p.user_id = $1 AND p.last_seen_at > now() - interval '24 hours' AND r.expires_at > now()
            GROUP BY r.code ORDER BY 2 DESC LIMIT 20
            """, [userID]
        ).map { ($0.string(0), Double($0.string(1)) ?? 0, ParticipantRole(stored: $0.string(2))) }
    }
}
