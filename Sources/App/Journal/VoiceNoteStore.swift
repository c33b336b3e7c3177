import Domain
import Foundation
import Postgres

/// SQL for voice notes (`audio_assets` as their owner reaches them, and the entity a note is
/// attached to). Every statement names the owner: someone else's note or entity is simply not
/// found. Notes enter and leave through `JournalLog` events; this only reads and locks.
enum VoiceNoteStore {
    /// The entity a note is for, if it is `userID`'s: its row locked (so the flow's next step
    /// waits for the note) and the note it holds now, which a new one replaces.
    enum Target {
        case missing
        case found(currentNote: String?)
    }

    static func lockTarget(_ target: JournalNoteTarget, id: String, userID: String, on conn: PostgresConnection) throws -> Target {
        let rows: PostgresRows
        switch target {
        case .session:
            rows = try conn.query("SELECT intent_audio_id FROM journal_sessions WHERE id = $1 AND user_id = $2 FOR UPDATE", [id, userID])
        case .interruption:
            rows = try conn.query("SELECT audio_id FROM journal_interruptions WHERE id = $1 AND user_id = $2 FOR UPDATE", [id, userID])
        case .breakActivity:
            rows = try conn.query("SELECT audio_id FROM journal_breaks WHERE id = $1 AND user_id = $2 FOR UPDATE", [id, userID])
        }
        guard let row = rows.first else { return .missing }
        return .found(currentNote: row[0])
    }

    /// `userID`'s note `id` as pages show it (`JournalNote.columns`).
    static func note(id: String, userID: String, on conn: PostgresConnection) throws -> JournalNote? {
        try conn.query(
            """
            SELECT a.id, a.duration_seconds, a.transcript_status, a.transcript, a.transcript_source
            FROM audio_assets a WHERE a.id = $1 AND a.user_id = $2
            """, [id, userID]
        ).first.flatMap { JournalNote(id: $0[0], durationSeconds: $0[1], status: $0[2], transcript: $0[3], source: $0[4]) }
    }

    /// The file and type of `userID`'s note `id`, for playing it.
    static func file(id: String, userID: String, on conn: PostgresConnection) throws -> (file: String, mime: String)? {
        try conn.query("SELECT local_path, mime FROM audio_assets WHERE id = $1 AND user_id = $2", [id, userID])
            .first.map { ($0.string(0), $0.string(1)) }
    }

    /// The file of `userID`'s note `id`, its row locked, for deleting it.
    static func lockFile(id: String, userID: String, on conn: PostgresConnection) throws -> String? {
        try conn.query("SELECT local_path FROM audio_assets WHERE id = $1 AND user_id = $2 FOR UPDATE", [id, userID]).first?.string(0)
    }

    /// Every note file of `userID`, for removing them with the account.
    static func files(userID: String, on conn: PostgresConnection) throws -> [String] {
        try conn.query("SELECT local_path FROM audio_assets WHERE user_id = $1", [userID]).map { $0.string(0) }
    }
}
