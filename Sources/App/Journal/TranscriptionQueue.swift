import Foundation
import Postgres

/// SQL for `transcription_jobs`: a voice note waiting for speech-to-text. Enqueued in the
/// transaction that records the note, so a note is never stored without its job.
enum TranscriptionQueue {
    static func enqueue(audioID: String, userID: String, on conn: PostgresConnection) throws {
        try conn.query(
            "INSERT INTO transcription_jobs (audio_id, user_id) VALUES ($1, $2) ON CONFLICT (audio_id) DO NOTHING", [audioID, userID])
    }
}
