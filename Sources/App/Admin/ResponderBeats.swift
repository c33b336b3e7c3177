import Foundation
import Postgres

/// `responder_beats`: each responder's parked long-polls, written every few seconds by its
/// `ResponderBeatJobs`, for the admin dashboard (responders share nothing but PostgreSQL and
/// Redis, so one cannot ask the others).
enum ResponderBeats {
    struct Beat {
        let name: String
        let parkedPolls: Int
        let secondsAgo: Int
    }

    /// Seconds after which a responder that wrote nothing is shown as silent; rows older than
    /// `forgetSeconds` are deleted by the next beat of any responder.
    static let silentSeconds = 60
    static let forgetSeconds = 600

    static func beat(name: String, parkedPolls: Int, database: PostgresPool) throws {
        try database.query(
            """
            INSERT INTO responder_beats (name, parked_polls, beat_at) VALUES ($1, $2, now())
            ON CONFLICT (name) DO UPDATE SET parked_polls = excluded.parked_polls, beat_at = now()
            """, [name, parkedPolls])
        try database.query("DELETE FROM responder_beats WHERE beat_at < now() - make_interval(secs => $1)", [forgetSeconds])
    }

    /// A responder that stops cleanly leaves the list at once.
    static func forget(name: String, database: PostgresPool) throws {
        try database.query("DELETE FROM responder_beats WHERE name = $1", [name])
    }

    static func recent(database: PostgresPool) throws -> [Beat] {
        try database.query(
            "SELECT name, parked_polls, extract(epoch FROM now() - beat_at)::int FROM responder_beats ORDER BY name"
        ).map { Beat(name: $0.string(0), parkedPolls: $0.int(1), secondsAgo: $0.int(2)) }
    }
}
