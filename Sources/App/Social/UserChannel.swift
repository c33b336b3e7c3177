import Foundation
import Postgres

/// Each signed-in person's live channel (`user:<id>`), the one long-poll a tab holds besides a
/// room's. Its version is `users.live_v` (milliseconds, never backwards), moved in the same
/// transaction as every stored event it carries; the wake-up goes through `LiveHub` once the
/// transaction has committed (`RequestContext.announceAfterCommit`, or `LiveHub.notify`).
/// It is never a room's channel: a room's changes do not wake it, nor it a room's watchers.
enum UserChannel {
    static let prefix = "user"

    static func name(_ userID: String) -> String { "\(prefix):\(userID)" }

    /// Moves the channels of `userIDs` on, in the caller's transaction; returns what to announce
    /// after the commit.
    static func bump(_ userIDs: [String], on conn: PostgresConnection) throws -> [(channel: String, version: Int)] {
        let ids = userIDs.filter { UUID(uuidString: $0) != nil }
        guard !ids.isEmpty else { return [] }
        return try conn.query(
            "SELECT id::text, live_v FROM bump_live($1::uuid[])", ["{" + ids.joined(separator: ",") + "}"]
        ).map { (name($0.string(0)), $0.int(1)) }
    }
}
