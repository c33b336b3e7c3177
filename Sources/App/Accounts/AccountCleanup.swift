import Postgres

/// Removes what has run out: sign-in attempts, used or expired links, old sent mail, expired
/// sessions, and accounts never confirmed within a week (so nobody can squat a username or an
/// address by signing up with it). Idempotent; any responder may run it. Returns the rooms whose
/// seats lost a lapsed session, to announce after the commit (their cached copies name it).
enum AccountCleanup {
    static func run(database: PostgresPool) throws -> [(channel: String, version: Int)] {
        try database.transaction { conn in
            try conn.query("DELETE FROM oauth_flows WHERE expires_at < now()")
            try conn.query("DELETE FROM mail_tokens WHERE expires_at < now() - interval '1 day' OR used_at < now() - interval '1 day'")
            try conn.query("DELETE FROM outbox WHERE sent_at < now() - interval '7 days'")
            try conn.query("DELETE FROM sessions WHERE expires_at < now()")
            // A guest's credit waits for them to sign up or in from the same browser; once that
            // session is gone, nobody can claim it.
            try conn.query(
                """
                DELETE FROM focus_credits f WHERE f.user_id IS NULL AND f.ended_at < now() - interval '1 day'
                  AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id_hash = f.session_hash)
                """)
            let moved = try AccountSessions.endLapsed(on: conn)
            try conn.query(
                """
                DELETE FROM users u WHERE email_verified_at IS NULL AND created_at < now() - interval '7 days'
                  AND NOT EXISTS (SELECT 1 FROM oauth_identities i WHERE i.user_id = u.id)
                """)
            return moved
        }
    }
}
