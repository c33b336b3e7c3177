import Domain
import Foundation
import Postgres
import Sodium

/// Signed-in sessions: sign-in with rotation, sign-out, the sessions page.
struct AccountSessions {
    let database: PostgresPool

    /// A signed-in session ends after this long unused, and after this long whatever happens.
    static let idleSeconds = 14 * 24 * 3600
    static let absoluteSeconds = 30 * 24 * 3600
    /// Use is written back at most this often, so reading who is signed in is not a write.
    static let touchSeconds = 3600

    /// Which signed-in sessions are still good: not signed out, not idle, not too old.
    static let live = """
        s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => \(idleSeconds))
          AND s.signed_in_at > now() - make_interval(secs => \(absoluteSeconds))
        """

    /// The user of a live session, or nil for a guest, an ended, idle or expired session (and for
    /// a suspended account, whose sessions a suspension ends anyway).
    func currentUser(_ session: SessionID) throws -> CurrentUser? {
        guard
            let row = try database.query(
                """
                SELECT u.id, u.username, u.display_name, u.email, u.role, u.theme, u.sound_on, u.timezone,
                       s.last_seen_at < now() - make_interval(secs => \(Self.touchSeconds)),
                       (SELECT string_agg(a.achievement, ',' ORDER BY a.earned_at, a.achievement) FROM user_achievements a
                        WHERE a.user_id = u.id AND a.seen_at IS NULL),
                       -- The header's counts, each read through the unread index and stopped at
                       -- 100 (shown as "99+"), so a backlog costs no more than a few.
                       (SELECT count(*) FROM (SELECT 1 FROM notifications n
                        WHERE n.user_id = u.id AND n.read_at IS NULL AND n.kind <> 'direct_message' LIMIT 100) c),
                       (SELECT coalesce(sum(m.count), 0) FROM (SELECT n.count FROM notifications n
                        WHERE n.user_id = u.id AND n.read_at IS NULL AND n.kind = 'direct_message' LIMIT 100) m),
                       s.second_factor_at IS NOT NULL
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.id_hash = $1 AND \(Self.live) AND (u.suspended_until IS NULL OR u.suspended_until <= now())
                """, [ByteA(session.hash)]
            ).first
        else { return nil }
        if row.bool(8) {
            try database.query("UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1", [ByteA(session.hash)])
        }
        return CurrentUser(
            id: row.string(0), username: row.string(1), displayName: row.string(2), email: row.string(3),
            role: AccountRole(stored: row.string(4)), theme: row.string(5), soundOn: row.bool(6), timezone: row.string(7),
            unseenAchievements: (row[9] ?? "").split(separator: ",").compactMap { Achievement(stored: String($0)) },
            unreadNotifications: row.int(10), unreadMessages: row.int(11), secondFactorPassed: row.bool(12))
    }

    /// Signs `userID` in on this browser with a brand-new session id, in the caller's
    /// transaction. The browser's guest seats move to the new session (a guest who signs up
    /// keeps their rooms), seats the account left behind in ended sessions come back, and the
    /// old id stops existing, so a cookie planted before sign-in is worthless after it.
    /// Returns the new session and the rooms whose seats moved, at their new versions, to be
    /// announced once the transaction commits (their cached snapshots name the old session).
    func signIn(
        _ userID: String, replacing old: SessionID, userAgent: String,
        on conn: PostgresConnection
    ) throws -> (session: SessionID, moved: [(channel: String, version: Int)], adoptedCredit: Bool) {
        let fresh = SessionID.fresh()
        try conn.query(
            """
            INSERT INTO sessions (id_hash, user_id, user_agent, signed_in_at, expires_at)
            VALUES ($1, $2, $3, now(), now() + make_interval(secs => $4))
            """, [ByteA(fresh.hash), userID, String(userAgent.prefix(300)), Self.absoluteSeconds])
        // Guest seats (and this account's own) come along; another account's seats, when someone
        // else was signed in on this browser, stay with that account.
        var rooms = Set(
            try conn.query(
                """
                UPDATE participants SET session_hash = $2, user_id = $3
                WHERE session_hash = $1 AND (user_id IS NULL OR user_id = $3) RETURNING room_id
                """, [ByteA(old.hash), ByteA(fresh.hash), userID]
            ).map { $0.string(0) })
        rooms.formUnion(
            try conn.query(
                """
                UPDATE participants p SET session_hash = $2 FROM (
                    SELECT DISTINCT ON (q.room_id) q.id FROM participants q
                    WHERE q.user_id = $1
                      AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id_hash = q.session_hash)
                      AND NOT EXISTS (SELECT 1 FROM participants mine WHERE mine.room_id = q.room_id AND mine.session_hash = $2)
                    ORDER BY q.room_id, (q.role = 'host') DESC, q.last_seen_at DESC) seat
                WHERE p.id = seat.id RETURNING p.room_id
                """, [userID, ByteA(fresh.hash)]
            ).map { $0.string(0) })
        rooms.formUnion(try RoomSanctions.follow(from: old, to: fresh, userID: userID, on: conn))
        // The focus they earned as a guest is theirs now (seats from here on credit the account).
        let adopted = try FocusLedger.adopt(sessionHash: old.hash, userID: userID, on: conn)
        // So is their personal timer, when the account has none yet.
        try PersonalTimerStore.adopt(sessionHash: old.hash, userID: userID, on: conn)
        try conn.query("DELETE FROM sessions WHERE id_hash = $1", [ByteA(old.hash)])
        let moved = try rooms.sorted().map { ("room:\($0)", try RoomStore.bump($0, parts: [.personal], on: conn)) }
        return (fresh, moved, adopted)
    }

    /// Ending a session ends its cookie's authority over room seats too: each seat it held gets
    /// a random session hash that no cookie has. The seats still belong to the account, so they
    /// come back at its next sign-in (see `signIn`). Returns the rooms to announce after commit.
    private static let detachSeats = """
        UPDATE participants p SET session_hash = sha256(convert_to(gen_random_uuid()::text, 'UTF8'))
        FROM ended WHERE p.session_hash = ended.id_hash RETURNING p.room_id
        """

    private static func ended(_ rows: PostgresRows, on conn: PostgresConnection) throws -> [(channel: String, version: Int)] {
        try Set(rows.map { $0.string(0) }).sorted().map { ("room:\($0)", try RoomStore.bump($0, parts: [.personal], on: conn)) }
    }

    /// Signs this browser's session out.
    static func signOut(_ session: SessionID, on conn: PostgresConnection) throws -> [(channel: String, version: Int)] {
        try ended(
            conn.query(
                "WITH ended AS (DELETE FROM sessions WHERE id_hash = $1 RETURNING id_hash) " + detachSeats,
                [ByteA(session.hash)]), on: conn)
    }

    /// Ends one of my sessions by its public id; nil when it is not mine (or gone).
    static func end(userID: String, publicID: String, on conn: PostgresConnection) throws -> [(channel: String, version: Int)]? {
        guard try conn.query("SELECT 1 FROM sessions WHERE user_id = $1 AND public_id = $2", [userID, publicID]).count == 1 else { return nil }
        return try ended(
            conn.query(
                """
                WITH ended AS (DELETE FROM sessions WHERE user_id = $1 AND public_id = $2 RETURNING id_hash)
                """ + detachSeats, [userID, publicID]), on: conn)
    }

    /// Ends every session of the account but `keep` (nil: all of them).
    static func endOthers(userID: String, keep: SessionID?, on conn: PostgresConnection) throws -> [(channel: String, version: Int)] {
        try ended(
            conn.query(
                """
                WITH ended AS (DELETE FROM sessions WHERE user_id = $1 AND id_hash IS DISTINCT FROM $2 RETURNING id_hash)
                """ + detachSeats, [userID, keep.map { ByteA($0.hash) }]), on: conn)
    }

    /// Ends signed-in sessions past their idle or absolute limit (they already sign nobody in;
    /// this takes their say over room seats too).
    static func endLapsed(on conn: PostgresConnection) throws -> [(channel: String, version: Int)] {
        try ended(
            conn.query(
                """
                WITH ended AS (DELETE FROM sessions WHERE user_id IS NOT NULL
                    AND (last_seen_at < now() - make_interval(secs => $1) OR signed_in_at < now() - make_interval(secs => $2))
                    RETURNING id_hash)
                """ + detachSeats, [idleSeconds, absoluteSeconds]), on: conn)
    }

    struct Listed {
        let publicID: String
        let userAgent: String
        let signedInAt: Double
        let lastSeenAt: Double
        let isCurrent: Bool
    }

    func list(userID: String, current: SessionID) throws -> [Listed] {
        try database.query(
            """
            SELECT public_id, user_agent, extract(epoch FROM coalesce(signed_in_at, created_at))::float8,
                   extract(epoch FROM last_seen_at)::float8, id_hash = $2
            FROM sessions s WHERE user_id = $1 AND \(Self.live) ORDER BY last_seen_at DESC
            """, [userID, ByteA(current.hash)]
        ).map {
            Listed(
                publicID: $0.string(0), userAgent: $0.string(1), signedInAt: Double($0.string(2)) ?? 0,
                lastSeenAt: Double($0.string(3)) ?? 0, isCurrent: $0.bool(4))
        }
    }
}
