import Domain
import Foundation
import Postgres

/// SQL for `playlists`, `playlist_tracks` and `liked_tracks`. Every statement names the owner:
/// someone else's playlist reads exactly like one that does not exist.
enum PlaylistStore {
    /// The tracks of `playlistID` in order, if it is `userID`'s; throws `notFound` otherwise
    /// (what "play this playlist in the room" queues).
    static func trackIDs(playlistID: String, userID: String, on conn: PostgresConnection) throws -> [String] {
        guard UUID(uuidString: playlistID) != nil else { throw SoundtrackRefusal.notFound }
        let rows = try conn.query(
            """
            SELECT p.id, pt.track_id FROM playlists p LEFT JOIN playlist_tracks pt ON pt.playlist_id = p.id
            WHERE p.id = $1 AND p.user_id = $2 ORDER BY pt.ord
            """, [playlistID, userID])
        guard rows.count > 0 else { throw SoundtrackRefusal.notFound }
        return rows.compactMap { $0[1] }
    }

    /// `userID`'s liked tracks, most recent first.
    static func likedTrackIDs(userID: String, limit: Int, on conn: PostgresConnection) throws -> [String] {
        try conn.query(
            "SELECT track_id FROM liked_tracks WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2", [userID, limit]
        ).map { $0.string(0) }
    }
}
