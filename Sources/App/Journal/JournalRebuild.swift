import Domain
import Foundation
import Postgres

/// Recomputes one owner's projections from their events: empties the five tables' rows of that
/// owner and replays every event through `JournalProjection`, in one transaction (the owner's row
/// locked, so the flow waits rather than appends mid-replay). Voice-note files and transcription
/// jobs are not projections and stay as they are.
enum JournalRebuild {
    static func rebuild(userID: String, on conn: PostgresConnection) throws -> Int {
        try conn.query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", [userID])
        try conn.query("DELETE FROM journal_breaks WHERE user_id = $1", [userID])
        try conn.query("DELETE FROM journal_interruptions WHERE user_id = $1", [userID])
        try conn.query("DELETE FROM journal_sessions WHERE user_id = $1", [userID])
        try conn.query("DELETE FROM journal_days WHERE user_id = $1", [userID])
        try conn.query("DELETE FROM audio_assets WHERE user_id = $1", [userID])
        var after = 0
        var replayed = 0
        while true {
            let page = try JournalLog.events(userID: userID, afterID: after, limit: 2000, on: conn)
            guard let last = page.last else { break }
            for item in page { try JournalProjection.apply(item.event, userID: userID, at: item.at, on: conn) }
            replayed += page.count
            after = last.id
        }
        return replayed
    }
}
