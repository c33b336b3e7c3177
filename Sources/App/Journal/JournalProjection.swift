import Domain
import Foundation
import Postgres

/// What each journal event does to the seed's five entities (`journal_days`, `journal_sessions`,
/// `journal_interruptions`, `journal_breaks`, `audio_assets`). The only code that writes them:
/// `JournalLog.append` calls it as events happen, `JournalRebuild` when it replays them. Every
/// statement names the owner; `at` is the event's stored time as PostgreSQL's text.
enum JournalProjection {
    static func apply(_ event: JournalEvent, userID: String, at: String, on conn: PostgresConnection) throws {
        switch event {
        case .sessionStarted(let session, let intent, let day, let place, let roomCode):
            try conn.query(sessionStarted, [userID, session, intent.rawValue, day.description, at, place.rawValue, roomCode])
        case .sessionPaused(let session, let interruption, let category):
            try conn.query(sessionPaused, [userID, session, interruption, at, category.rawValue])
        case .sessionResumed(let session):
            try conn.query(sessionResumed, [userID, session, at])
        case .sessionCompleted(let session, let breakID):
            try conn.query(sessionCompleted, [userID, session, breakID, at])
        case .sessionEnded(let session):
            try conn.query(sessionEnded, [userID, session, at])
        case .intentChosen(let session, let intent):
            try conn.query("UPDATE journal_sessions SET intent_category = $3 WHERE user_id = $1 AND id = $2", [userID, session, intent.rawValue])
        case .interruptionCategorised(let interruption, let category):
            try conn.query(
                "UPDATE journal_interruptions SET category = $3 WHERE user_id = $1 AND id = $2", [userID, interruption, category.rawValue])
        case .breakActivityChosen(let breakID, let activity):
            try conn.query(
                "UPDATE journal_breaks SET activity_category = $3 WHERE user_id = $1 AND id = $2", [userID, breakID, activity.rawValue])
        case .breakEnded(let breakID):
            try conn.query(breakEnded, [userID, breakID, at])
        case .audioRecorded(let audio, let file, let mime, let bytes, let duration):
            try conn.query(
                """
                INSERT INTO audio_assets (id, user_id, local_path, mime, bytes, duration_seconds, created_at)
                VALUES ($2, $1, $3, $4, $5, $6, $7::timestamptz)
                """, [userID, audio, file, mime, bytes, duration, at])
        case .audioAttached(let audio, .session, let targetID):
            try conn.query("UPDATE journal_sessions SET intent_audio_id = $2 WHERE user_id = $1 AND id = $3", [userID, audio, targetID])
        case .audioAttached(let audio, .interruption, let targetID):
            try conn.query(
                "UPDATE journal_interruptions SET audio_id = $2, source = 'voice' WHERE user_id = $1 AND id = $3", [userID, audio, targetID])
        case .audioAttached(let audio, .breakActivity, let targetID):
            try conn.query(
                "UPDATE journal_breaks SET audio_id = $2, source = 'voice' WHERE user_id = $1 AND id = $3", [userID, audio, targetID])
        case .audioDeleted(let audio):
            try conn.query("DELETE FROM audio_assets WHERE user_id = $1 AND id = $2", [userID, audio])
        case .transcriptSet(let audio, let text, let source):
            // The engine never overwrites what the owner typed.
            try conn.query(
                """
                UPDATE audio_assets SET transcript = $3, transcript_status = 'done', transcript_source = $4
                WHERE user_id = $1 AND id = $2 AND ($4 = 'owner' OR transcript_source IS DISTINCT FROM 'owner')
                """, [userID, audio, text, source.rawValue])
        case .transcriptFailed(let audio, _):
            try conn.query(
                "UPDATE audio_assets SET transcript_status = 'failed' WHERE user_id = $1 AND id = $2 AND transcript_status = 'pending'",
                [userID, audio])
        }
    }

    /// The day row (made on its first session, id from owner and date), the session, and the end
    /// of the owner's break still open (the next session ends it).
    private static let sessionStarted = """
        WITH d AS (
            INSERT INTO journal_days (id, user_id, day, total_pomodoros, created_at)
            VALUES (md5($1::text || ':' || $4::text)::uuid, $1::uuid, $4::date, 1, $5::timestamptz)
            ON CONFLICT (user_id, day) DO UPDATE SET total_pomodoros = journal_days.total_pomodoros + 1
            RETURNING id),
        b AS (
            UPDATE journal_breaks SET ended_at = $5::timestamptz,
                duration_minutes = round(greatest(0, extract(epoch FROM $5::timestamptz - started_at)) / 60)::int
            WHERE user_id = $1::uuid AND ended_at IS NULL)
        INSERT INTO journal_sessions (id, user_id, day_id, started_at, status, intent_category, place, room_code, running_since)
        SELECT $2::uuid, $1::uuid, d.id, $5::timestamptz, 'running', $3, $6, $7, $5::timestamptz FROM d
        """

    /// The pause's InterruptionEvent, the count, and the focused seconds so far.
    private static let sessionPaused = """
        WITH s AS (
            UPDATE journal_sessions SET status = 'interrupted', interruption_count = interruption_count + 1,
                focused_seconds = focused_seconds + floor(greatest(0, extract(epoch FROM $4::timestamptz - running_since)))::int,
                running_since = NULL
            WHERE user_id = $1 AND id = $2
            RETURNING id)
        INSERT INTO journal_interruptions (id, user_id, session_id, occurred_at, category)
        SELECT $3, $1, s.id, $4::timestamptz, $5 FROM s
        """

    private static let sessionResumed = """
        WITH s AS (
            UPDATE journal_sessions SET status = 'running', running_since = $3::timestamptz
            WHERE user_id = $1 AND id = $2
            RETURNING id)
        UPDATE journal_interruptions SET resumed_at = $3::timestamptz
        WHERE user_id = $1 AND session_id IN (SELECT id FROM s) AND resumed_at IS NULL
        """

    /// Completed: the duration, the day's count, the open interruption closed, the break begun.
    private static let sessionCompleted = """
        WITH s AS (
            UPDATE journal_sessions SET status = 'completed', ended_at = $4::timestamptz, running_since = NULL,
                focused_seconds = focused_seconds
                    + coalesce(floor(greatest(0, extract(epoch FROM $4::timestamptz - running_since)))::int, 0),
                duration_minutes = round((focused_seconds
                    + coalesce(floor(greatest(0, extract(epoch FROM $4::timestamptz - running_since)))::int, 0)) / 60.0)::int
            WHERE user_id = $1 AND id = $2
            RETURNING id, day_id),
        d AS (UPDATE journal_days SET completed_pomodoros = completed_pomodoros + 1 WHERE id IN (SELECT day_id FROM s)),
        i AS (
            UPDATE journal_interruptions SET resumed_at = $4::timestamptz
            WHERE user_id = $1 AND session_id IN (SELECT id FROM s) AND resumed_at IS NULL)
        INSERT INTO journal_breaks (id, user_id, session_id, started_at) SELECT $3, $1, s.id, $4::timestamptz FROM s
        """

    /// Ended early: the seed's `abandoned`, counted in the day's `interrupted_pomodoros`.
    private static let sessionEnded = """
        WITH s AS (
            UPDATE journal_sessions SET status = 'abandoned', ended_at = $3::timestamptz, running_since = NULL,
                focused_seconds = focused_seconds
                    + coalesce(floor(greatest(0, extract(epoch FROM $3::timestamptz - running_since)))::int, 0),
                duration_minutes = round((focused_seconds
                    + coalesce(floor(greatest(0, extract(epoch FROM $3::timestamptz - running_since)))::int, 0)) / 60.0)::int
            WHERE user_id = $1 AND id = $2
            RETURNING id, day_id),
        d AS (UPDATE journal_days SET interrupted_pomodoros = interrupted_pomodoros + 1 WHERE id IN (SELECT day_id FROM s))
        UPDATE journal_interruptions SET resumed_at = $3::timestamptz
        WHERE user_id = $1 AND session_id IN (SELECT id FROM s) AND resumed_at IS NULL
        """

    private static let breakEnded = """
        UPDATE journal_breaks SET ended_at = $3::timestamptz,
            duration_minutes = round(greatest(0, extract(epoch FROM $3::timestamptz - started_at)) / 60)::int
        WHERE user_id = $1 AND id = $2 AND ended_at IS NULL
        """
}
