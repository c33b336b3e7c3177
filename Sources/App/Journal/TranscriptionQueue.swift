import Foundation
import Postgres

/// SQL for `transcription_jobs`: voice notes waiting for speech-to-text. Enqueued in the
/// transaction that records the note, so a note is never stored without its job; taken by
/// `TranscriptionJobs` in every responder (`SKIP LOCKED`, so each job goes to one of them).
enum TranscriptionQueue {
    /// A job one responder has taken: `attempt` counts this try (1 for the first).
    struct Claim: Sendable, Equatable {
        let audioID: String
        let userID: String
        let attempt: Int
    }

    static func enqueue(audioID: String, userID: String, on conn: PostgresConnection) throws {
        try conn.query(
            "INSERT INTO transcription_jobs (audio_id, user_id) VALUES ($1, $2) ON CONFLICT (audio_id) DO NOTHING", [audioID, userID])
    }

    /// Takes the job due longest (at `now`, epoch seconds) and leases it for `leaseSeconds`: its
    /// `run_after` moves past the engine's time limit, so the other responders leave it alone
    /// while it runs, and take it again only if this one died with it. Committed at once: the
    /// engine runs outside any transaction. The due row is picked by a scalar subquery, run once:
    /// as a joined subquery the planner may scan it again for each row and lease several jobs.
    static func claim(now: Double, leaseSeconds: Int, on conn: PostgresConnection) throws -> Claim? {
        try conn.query(
            """
            UPDATE transcription_jobs SET attempts = attempts + 1, run_after = to_timestamp($1) + make_interval(secs => $2)
            WHERE audio_id = (SELECT audio_id FROM transcription_jobs WHERE run_after <= to_timestamp($1)
                              ORDER BY run_after, audio_id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING audio_id::text, user_id::text, attempts
            """, [String(now), leaseSeconds]
        ).first.map { Claim(audioID: $0.string(0), userID: $0.string(1), attempt: $0.int(2)) }
    }

    /// Ends the job taken as `claim`; false when it is no longer that claim's (its lease ran out
    /// and another responder took it again, or the owner's edit made it moot), and then nothing
    /// of this attempt may be written.
    static func finish(_ claim: Claim, on conn: PostgresConnection) throws -> Bool {
        try conn.query("DELETE FROM transcription_jobs WHERE audio_id = $1 AND attempts = $2", [claim.audioID, claim.attempt]).affectedRows
            == 1
    }

    /// After a failed attempt: due again at `at` (epoch seconds), with why it failed. False when
    /// the job is no longer this claim's.
    static func retry(_ claim: Claim, at: Double, error: String, on conn: PostgresConnection) throws -> Bool {
        try conn.query(
            "UPDATE transcription_jobs SET run_after = to_timestamp($3), last_error = $4 WHERE audio_id = $1 AND attempts = $2",
            [claim.audioID, claim.attempt, String(at), String(error.prefix(500))]
        ).affectedRows == 1
    }

    /// Drops the job of a note whose transcript no longer needs the engine (the owner typed it).
    static func drop(audioID: String, userID: String, on conn: PostgresConnection) throws {
        try conn.query("DELETE FROM transcription_jobs WHERE audio_id = $1 AND user_id = $2", [audioID, userID])
    }

    /// The queue for `/metrics`: notes due for the engine, notes leased to a responder or
    /// waiting to be tried again, and how long the oldest due one has waited.
    static func backlog(on conn: PostgresConnection) throws -> QueueDepth {
        QueueDepth(
            row: try conn.query(
                """
                SELECT count(*) FILTER (WHERE run_after <= now()), count(*) FILTER (WHERE run_after > now()),
                       coalesce(extract(epoch FROM now() - min(run_after) FILTER (WHERE run_after <= now())), 0)::float8
                FROM transcription_jobs
                """
            ).first)
    }
}
