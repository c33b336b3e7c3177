import Domain
import Foundation
import Postgres

/// The one way anything enters a journal: appends the event to `journal_events` (the truth) and
/// applies it to the projections, in the caller's transaction, so the two never disagree. The
/// event's stored `at` (as PostgreSQL wrote it) is what the projection reads, on the first pass
/// and on every rebuild alike.
enum JournalLog {
    /// Appends `event` for `userID`, as having happened at `at`, and applies it. Checks nothing:
    /// the flow (which knows what may follow what) checks before it appends.
    static func append(_ event: JournalEvent, userID: String, at: Date, on conn: PostgresConnection) throws {
        let row = try conn.query(
            """
            INSERT INTO journal_events (user_id, kind, at, payload) VALUES ($1, $2, to_timestamp($3), $4::jsonb)
            RETURNING at::text
            """, [userID, event.kind.rawValue, String(at.timeIntervalSince1970), event.payloadJSON])
        try JournalProjection.apply(event, userID: userID, at: row.first!.string(0), on: conn)
    }

    /// One owner's events in order, `limit` at a time after event `afterID`: (id, event, at).
    /// Throws on an event it cannot read, so a rebuild stops instead of guessing.
    static func events(userID: String, afterID: Int, limit: Int, on conn: PostgresConnection) throws -> [(id: Int, event: JournalEvent, at: String)] {
        try conn.query(
            """
            SELECT id, kind, payload::text, at::text FROM journal_events
            WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3
            """, [userID, afterID, limit]
        ).map { row in
            guard let event = JournalEvent(kind: row.string(1), payloadJSON: row.string(2)) else {
                throw JournalLogError.unreadable(eventID: row.int(0))
            }
            return (row.int(0), event, row.string(3))
        }
    }

    /// Owners with any journal event, `limit` at a time, in id order after `after`.
    static func owners(after: String, limit: Int, on conn: PostgresConnection) throws -> [String] {
        try conn.query(
            "SELECT DISTINCT user_id FROM journal_events WHERE user_id > $1 ORDER BY user_id LIMIT $2", [after, limit]
        ).map { $0.string(0) }
    }
}

/// A stored event this build cannot read (a newer kind, or a hand-edited payload).
struct JournalLogError: Error, CustomStringConvertible {
    let eventID: Int
    static func unreadable(eventID: Int) -> JournalLogError { JournalLogError(eventID: eventID) }
    var description: String { "journal event \(eventID) cannot be read by this build" }
}
