import Domain
import Foundation
import Postgres

/// The figures of the admin dashboard: `daily_statistics` day by day (zeros included), sign-ups
/// per day, and what is live now.
enum AdminDashboardStore {
    struct Day {
        let day: String
        let rooms: Int
        let participants: Int
        let sessions: Int
        let focusMinutes: Int
    }

    struct Live {
        let openRooms: Int
        let runningRooms: Int
        /// People (seats' accounts, or guests' sessions) seen in a live room within the online window.
        let peopleInRooms: Int
        /// Accounts whose session was used within the last hour (sessions note use hourly).
        let activeAccounts: Int
    }

    /// The last `days` UTC days, oldest first, today included.
    static func daily(days: Int, database: PostgresPool) throws -> [Day] {
        try database.query(
            """
            SELECT to_char(d, 'YYYY-MM-DD'), coalesce(s.rooms_created, 0), coalesce(s.total_participants, 0),
                   coalesce(s.total_sessions, 0), coalesce(s.total_focus_seconds, 0) / 60
            FROM generate_series((now() AT TIME ZONE 'UTC')::date - ($1::int - 1), (now() AT TIME ZONE 'UTC')::date, interval '1 day') d
            LEFT JOIN daily_statistics s ON s.day = d::date
            ORDER BY d
            """, [days]
        ).map { Day(day: $0.string(0), rooms: $0.int(1), participants: $0.int(2), sessions: $0.int(3), focusMinutes: $0.int(4)) }
    }

    /// Accounts made per UTC day over the last `days`, oldest first.
    static func signUps(days: Int, database: PostgresPool) throws -> [(day: String, count: Int)] {
        try database.query(
            """
            WITH made AS (
                SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n FROM users
                WHERE created_at >= ((now() AT TIME ZONE 'UTC')::date - ($1::int - 1))::timestamp AT TIME ZONE 'UTC' GROUP BY 1)
            SELECT to_char(d, 'YYYY-MM-DD'), coalesce(made.n, 0)
            FROM generate_series((now() AT TIME ZONE 'UTC')::date - ($1::int - 1), (now() AT TIME ZONE 'UTC')::date, interval '1 day') d
            LEFT JOIN made ON made.day = d::date ORDER BY d
            """, [days]
        ).map { ($0.string(0), $0.int(1)) }
    }

    static func live(database: PostgresPool) throws -> Live {
        let row = try database.query(
            """
            SELECT (SELECT count(*) FROM rooms WHERE expires_at > now()),
                   (SELECT count(*) FROM rooms WHERE expires_at > now() AND status = 'running'),
                   (SELECT count(DISTINCT coalesce(p.user_id::text, encode(p.session_hash, 'hex')))
                    FROM participants p JOIN rooms r ON r.id = p.room_id
                    WHERE r.expires_at > now() AND p.last_seen_at > now() - make_interval(secs => $1)),
                   (SELECT count(DISTINCT user_id) FROM sessions WHERE user_id IS NOT NULL AND last_seen_at > now() - interval '1 hour'
                      AND expires_at > now())
            """, [RoomStore.onlineWindow]
        ).first!
        return Live(openRooms: row.int(0), runningRooms: row.int(1), peopleInRooms: row.int(2), activeAccounts: row.int(3))
    }
}
