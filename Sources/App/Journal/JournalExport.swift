import Domain
import Foundation
import Postgres

/// The owner's journal to take away: JSON (days, sessions, interruptions, breaks and voice notes,
/// built by PostgreSQL, whose json_build_object escapes all text; also the "journal" part of
/// `/settings/export.json`) and CSV (a row per session). Read from the projections, times on the
/// owner's wall clock with its offset (the transaction's TimeZone is theirs). A voice note is a
/// link to `/journal/audio/{id}`, which answers its owner alone.
enum JournalExport {
    /// `audioBase`: the site's address, which note links start with.
    static func json(userID: String, audioBase: String, database: PostgresPool) throws -> String {
        try database.transaction { conn in
            try useOwnersZone(userID, on: conn)
            return try conn.query(document, [userID, audioBase + "/journal/audio/"]).first?.string(0) ?? "{}"
        }
    }

    static let csvHeader = [
        "day", "started_at", "ended_at", "status", "intent", "focused_minutes", "interruptions", "interruption_categories",
        "break_activity", "break_minutes", "place", "room", "intent_transcript", "interruption_transcripts", "break_transcript",
    ]

    /// A header line, then a line per session, oldest first. Several interruptions' categories
    /// are separated by ";", their transcripts by line breaks.
    static func csv(userID: String, database: PostgresPool) throws -> [UInt8] {
        let rows = try database.transaction { conn in
            try useOwnersZone(userID, on: conn)
            return try conn.query(sessionRows, [userID])
        }
        var out = JournalCSV.line(csvHeader)
        for row in rows { out += JournalCSV.line((0..<csvHeader.count).map { row.string($0) }) }
        return Array(out.utf8)
    }

    /// Times in this transaction read on the owner's wall clock (the personal timer's zone).
    private static func useOwnersZone(_ userID: String, on conn: PostgresConnection) throws {
        let zone = try JournalDayRule.boundary(userID: userID, on: conn).zone.identifier
        try conn.query("SELECT set_config('TimeZone', $1, true)", [zone])
    }

    private static let document = """
        SELECT json_build_object(
          'time_zone', current_setting('TimeZone'),
          'days', coalesce((SELECT json_agg(json_build_object('day', day, 'total_pomodoros', total_pomodoros,
                     'completed_pomodoros', completed_pomodoros, 'interrupted_pomodoros', interrupted_pomodoros,
                     'created_at', created_at) ORDER BY day)
                   FROM journal_days WHERE user_id = $1), '[]'::json),
          'sessions', coalesce((SELECT json_agg(json_build_object('id', s.id, 'day', d.day, 'started_at', s.started_at,
                     'ended_at', s.ended_at, 'duration_minutes', s.duration_minutes, 'status', s.status,
                     'intent_category', s.intent_category, 'interruption_count', s.interruption_count, 'place', s.place,
                     'room_code', s.room_code, 'note_id', s.intent_audio_id) ORDER BY s.started_at, s.id)
                   FROM journal_sessions s JOIN journal_days d ON d.id = s.day_id WHERE s.user_id = $1), '[]'::json),
          'interruptions', coalesce((SELECT json_agg(json_build_object('id', id, 'session_id', session_id,
                     'occurred_at', occurred_at, 'resumed_at', resumed_at, 'category', category, 'source', source,
                     'note_id', audio_id) ORDER BY occurred_at, id)
                   FROM journal_interruptions WHERE user_id = $1), '[]'::json),
          'breaks', coalesce((SELECT json_agg(json_build_object('id', id, 'session_id', session_id, 'started_at', started_at,
                     'ended_at', ended_at, 'duration_minutes', duration_minutes, 'activity_category', activity_category,
                     'source', source, 'note_id', audio_id) ORDER BY started_at, id)
                   FROM journal_breaks WHERE user_id = $1), '[]'::json),
          'notes', coalesce((SELECT json_agg(json_build_object('id', id, 'url', $2::text || id::text, 'mime', mime,
                     'bytes', bytes, 'duration_seconds', duration_seconds, 'created_at', created_at,
                     'transcript_status', transcript_status, 'transcript', transcript, 'transcript_source', transcript_source)
                     ORDER BY created_at, id)
                   FROM audio_assets WHERE user_id = $1), '[]'::json)
        )::text
        """

    /// `csvHeader`'s columns, a row per session.
    private static let sessionRows = """
        SELECT d.day::text, to_char(s.started_at, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'),
               coalesce(to_char(s.ended_at, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'), ''), s.status, s.intent_category,
               coalesce(s.duration_minutes::text, ''), s.interruption_count::text, coalesce(ip.categories, ''),
               coalesce(b.activity_category, ''), coalesce(b.duration_minutes::text, ''), s.place, coalesce(s.room_code, ''),
               coalesce(ia.transcript, ''), coalesce(ip.transcripts, ''), coalesce(ba.transcript, '')
        FROM journal_sessions s
        JOIN journal_days d ON d.id = s.day_id
        LEFT JOIN journal_breaks b ON b.session_id = s.id
        LEFT JOIN audio_assets ia ON ia.id = s.intent_audio_id
        LEFT JOIN audio_assets ba ON ba.id = b.audio_id
        LEFT JOIN LATERAL (
            SELECT string_agg(i.category, ';' ORDER BY i.occurred_at, i.id) AS categories,
                   string_agg(t.transcript, chr(10) ORDER BY i.occurred_at, i.id) AS transcripts
            FROM journal_interruptions i LEFT JOIN audio_assets t ON t.id = i.audio_id
            WHERE i.session_id = s.id) ip ON true
        WHERE s.user_id = $1
        ORDER BY s.started_at, s.id
        """
}
