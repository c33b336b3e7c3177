import Foundation
import Postgres

/// The owner deleting their whole journal: the one hard delete of events the application makes
/// (the table's trigger lets it through for this owner only, in this transaction). The caller
/// removes the voice-note files once the transaction has committed (`files` says which).
enum JournalErase {
    /// Deletes `userID`'s events, projections and transcription jobs; returns the voice-note file
    /// names that were theirs.
    static func erase(userID: String, on conn: PostgresConnection) throws -> [String] {
        let files = try conn.query("SELECT local_path FROM audio_assets WHERE user_id = $1", [userID]).map { $0.string(0) }
        try conn.query("SELECT set_config('pomopomo.journal_erase', $1, true)", [userID])
        try conn.query("DELETE FROM journal_events WHERE user_id = $1", [userID])
        try conn.query("SELECT set_config('pomopomo.journal_erase', '', true)")
        try conn.query("DELETE FROM journal_breaks WHERE user_id = $1", [userID])
        try conn.query("DELETE FROM journal_interruptions WHERE user_id = $1", [userID])
        try conn.query("DELETE FROM journal_sessions WHERE user_id = $1", [userID])
        try conn.query("DELETE FROM journal_days WHERE user_id = $1", [userID])
        try conn.query("DELETE FROM audio_assets WHERE user_id = $1", [userID])
        try conn.query("DELETE FROM transcription_jobs WHERE user_id = $1", [userID])
        return files
    }
}
