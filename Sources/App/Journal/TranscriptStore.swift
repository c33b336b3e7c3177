import Domain
import Foundation
import Postgres

/// What the transcripts read of `audio_assets` (the projection `JournalProjection` writes):
/// always one owner's note, so someone else's id finds nothing.
enum TranscriptStore {
    /// A note as the transcription job needs it.
    struct Audio: Sendable, Equatable {
        /// The file's name in the journal upload directory (the column's CHECK keeps it a name).
        let file: String
        let status: TranscriptStatus
        let source: TranscriptSource?
    }

    /// Takes the owner's journal lock, the one the flow takes for each step and a rebuild waits
    /// for (`FOR NO KEY UPDATE` on the account's row), so a transcript is never appended in the
    /// middle of a replay and the job and an edit take turns.
    static func lockOwner(_ userID: String, on conn: PostgresConnection) throws {
        try conn.query("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE", [userID])
    }

    /// The owner's note `audioID` (which must pass `JournalEvent.isID`); nil when it is gone or
    /// someone else's.
    static func audio(_ audioID: String, userID: String, on conn: PostgresConnection) throws -> Audio? {
        try conn.query(
            "SELECT local_path, transcript_status, transcript_source FROM audio_assets WHERE id = $1 AND user_id = $2", [audioID, userID]
        ).first.map { Audio(file: $0.string(0), status: TranscriptStatus(stored: $0.string(1)), source: $0[2].map(TranscriptSource.init(stored:))) }
    }

    /// The owner's note as pages show it (`partials/journal_note`); nil when gone or not theirs.
    static func note(_ audioID: String, userID: String, on conn: PostgresConnection) throws -> JournalNote? {
        try conn.query(noteStatement, [audioID, userID]).first.flatMap {
            JournalNote(id: $0[0], durationSeconds: $0[1], status: $0[2], transcript: $0[3], source: $0[4])
        }
    }

    /// What the note is attached to, if it is an interruption or a break, with its category as it
    /// stands (a session's intent is always chosen when it starts).
    enum Attachment: Sendable, Equatable {
        case interruption(id: String, category: InterruptionCategory)
        case breakActivity(id: String, activity: BreakActivity?)
    }

    static func attachment(_ audioID: String, userID: String, on conn: PostgresConnection) throws -> Attachment? {
        if let row = try conn.query(
            "SELECT id, category FROM journal_interruptions WHERE user_id = $1 AND audio_id = $2 LIMIT 1", [userID, audioID]
        ).first {
            return .interruption(id: row.string(0), category: InterruptionCategory(rawValue: row.string(1)) ?? .other)
        }
        if let row = try conn.query(
            "SELECT id, activity_category FROM journal_breaks WHERE user_id = $1 AND audio_id = $2 LIMIT 1", [userID, audioID]
        ).first {
            return .breakActivity(id: row.string(0), activity: row[1].flatMap(BreakActivity.init(rawValue:)))
        }
        return nil
    }

    private static let noteStatement = "SELECT " + JournalNote.columns + " FROM audio_assets a WHERE a.id = $1 AND a.user_id = $2"
}
