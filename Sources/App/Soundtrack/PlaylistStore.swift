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

    // MARK: Playlists

    /// The account's playlists, oldest first, with how many tracks and seconds each holds.
    static func playlists(userID: String, on conn: PostgresConnection) throws -> [Playlist] {
        try conn.query(
            """
            SELECT p.id, p.name, count(t.id), coalesce(sum(t.duration_seconds), 0)
            FROM playlists p LEFT JOIN playlist_tracks pt ON pt.playlist_id = p.id LEFT JOIN tracks t ON t.id = pt.track_id
            WHERE p.user_id = $1 GROUP BY p.id ORDER BY p.created_at, p.id
            """, [userID]
        ).map(Playlist.init)
    }

    /// One of the account's playlists; nil when it is not theirs (or not there).
    static func playlist(_ id: String, userID: String, on conn: PostgresConnection) throws -> Playlist? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try conn.query(
            """
            SELECT p.id, p.name, count(t.id), coalesce(sum(t.duration_seconds), 0)
            FROM playlists p LEFT JOIN playlist_tracks pt ON pt.playlist_id = p.id LEFT JOIN tracks t ON t.id = pt.track_id
            WHERE p.id = $1 AND p.user_id = $2 GROUP BY p.id
            """, [id, userID]
        ).first.map(Playlist.init)
    }

    /// The tracks of one of the account's playlists, in order (empty when it is not theirs).
    static func tracks(playlistID: String, userID: String, on conn: PostgresConnection) throws -> [Track] {
        guard UUID(uuidString: playlistID) != nil else { return [] }
        return try conn.query(
            "SELECT " + Track.columns
                + """
                 FROM playlists p JOIN playlist_tracks pt ON pt.playlist_id = p.id JOIN tracks t ON t.id = pt.track_id
                WHERE p.id = $1 AND p.user_id = $2 ORDER BY pt.ord, pt.added_at
                """, [playlistID, userID]
        ).map { Track(row: $0) }
    }

    /// Locks the account's row: counts read later in the transaction are exact, so two tabs
    /// cannot pass a limit together.
    static func lockOwner(_ userID: String, on conn: PostgresConnection) throws {
        try conn.query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", [userID])
    }

    /// The account's playlists (after `lockOwner`).
    static func playlistCount(userID: String, on conn: PostgresConnection) throws -> Int {
        try conn.query("SELECT count(*) FROM playlists WHERE user_id = $1", [userID]).first!.int(0)
    }

    /// A new, empty playlist; returns its id.
    static func create(userID: String, name: String, on conn: PostgresConnection) throws -> String {
        try conn.query("INSERT INTO playlists (user_id, name) VALUES ($1, $2) RETURNING id", [userID, name]).first!.string(0)
    }

    /// Renames one of the account's playlists; false when it is not theirs.
    static func rename(_ id: String, userID: String, name: String, on conn: PostgresConnection) throws -> Bool {
        guard UUID(uuidString: id) != nil else { return false }
        return try conn.query(
            "UPDATE playlists SET name = $3, updated_at = now() WHERE id = $1 AND user_id = $2", [id, userID, name]
        ).affectedRows == 1
    }

    /// Deletes one of the account's playlists (its entries cascade); false when it is not theirs.
    static func delete(_ id: String, userID: String, on conn: PostgresConnection) throws -> Bool {
        guard UUID(uuidString: id) != nil else { return false }
        return try conn.query("DELETE FROM playlists WHERE id = $1 AND user_id = $2", [id, userID]).affectedRows == 1
    }

    /// How many tracks one of the account's playlists holds, locking it so its order and size
    /// stay put until the transaction ends; nil when it is not theirs.
    static func lockedSize(_ id: String, userID: String, on conn: PostgresConnection) throws -> Int? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try conn.query(
            """
            SELECT (SELECT count(*) FROM playlist_tracks pt WHERE pt.playlist_id = p.id)
            FROM playlists p WHERE p.id = $1 AND p.user_id = $2 FOR UPDATE
            """, [id, userID]
        ).first?.int(0)
    }

    /// Puts a track at the end of a playlist (after `lockedSize`); false when it was there already.
    static func append(trackID: String, playlistID: String, on conn: PostgresConnection) throws -> Bool {
        let added =
            try conn.query(
                """
                INSERT INTO playlist_tracks (playlist_id, track_id, ord)
                SELECT $1, $2, coalesce(max(ord), 0) + 1 FROM playlist_tracks WHERE playlist_id = $1
                ON CONFLICT (playlist_id, track_id) DO NOTHING
                """, [playlistID, trackID]
            ).affectedRows == 1
        if added { try touch(playlistID, on: conn) }
        return added
    }

    /// Takes a track out of one of the account's playlists; false when it was not in it.
    static func remove(trackID: String, playlistID: String, userID: String, on conn: PostgresConnection) throws -> Bool {
        guard UUID(uuidString: trackID) != nil, UUID(uuidString: playlistID) != nil else { return false }
        let removed =
            try conn.query(
                """
                DELETE FROM playlist_tracks pt USING playlists p
                WHERE pt.playlist_id = $1 AND pt.track_id = $2 AND p.id = pt.playlist_id AND p.user_id = $3
                """, [playlistID, trackID, userID]
            ).affectedRows == 1
        if removed { try touch(playlistID, on: conn) }
        return removed
    }

    /// The track ids of a playlist in order (after `lockedSize`).
    static func order(playlistID: String, on conn: PostgresConnection) throws -> [String] {
        try conn.query("SELECT track_id FROM playlist_tracks WHERE playlist_id = $1 ORDER BY ord, added_at", [playlistID]).map { $0.string(0) }
    }

    /// Gives the playlist's tracks `ids` the places 1, 2, 3… in that order (after `lockedSize`).
    static func setOrder(playlistID: String, _ ids: [String], on conn: PostgresConnection) throws {
        try conn.query(
            """
            UPDATE playlist_tracks pt SET ord = o.n
            FROM unnest($2::uuid[]) WITH ORDINALITY AS o (id, n)
            WHERE pt.playlist_id = $1 AND pt.track_id = o.id AND pt.ord IS DISTINCT FROM o.n
            """, [playlistID, "{" + ids.joined(separator: ",") + "}"])
        try touch(playlistID, on: conn)
    }

    private static func touch(_ playlistID: String, on conn: PostgresConnection) throws {
        try conn.query("UPDATE playlists SET updated_at = now() WHERE id = $1", [playlistID])
    }

    // MARK: Liked songs

    /// Likes a track (once: the key is the account and the track); false when it was liked already.
    static func like(trackID: String, userID: String, on conn: PostgresConnection) throws -> Bool {
        try conn.query(
            "INSERT INTO liked_tracks (user_id, track_id) VALUES ($1, $2) ON CONFLICT (user_id, track_id) DO NOTHING",
            [userID, trackID]
        ).affectedRows == 1
    }

    static func unlike(trackID: String, userID: String, on conn: PostgresConnection) throws -> Bool {
        guard UUID(uuidString: trackID) != nil else { return false }
        return try conn.query("DELETE FROM liked_tracks WHERE user_id = $1 AND track_id = $2", [userID, trackID]).affectedRows == 1
    }

    /// The account's liked songs (after `lockOwner` when it decides a limit).
    static func likedCount(userID: String, on conn: PostgresConnection) throws -> Int {
        try conn.query("SELECT count(*) FROM liked_tracks WHERE user_id = $1", [userID]).first!.int(0)
    }

    /// One page of the account's liked songs, most recently liked first.
    static func liked(userID: String, limit: Int, offset: Int, on conn: PostgresConnection) throws -> [Track] {
        try conn.query(
            "SELECT " + Track.columns
                + " FROM liked_tracks l JOIN tracks t ON t.id = l.track_id WHERE l.user_id = $1"
                + " ORDER BY l.created_at DESC, l.track_id LIMIT $2 OFFSET $3", [userID, limit, offset]
        ).map { Track(row: $0) }
    }

    /// Which of `trackIDs` the account likes (for the heart on each row of a page).
    static func likedAmong(_ trackIDs: [String], userID: String, on conn: PostgresConnection) throws -> Set<String> {
        guard !trackIDs.isEmpty else { return [] }
        return Set(
            try conn.query(
                "SELECT track_id FROM liked_tracks WHERE user_id = $1 AND track_id = ANY($2::uuid[])",
                [userID, "{" + trackIDs.joined(separator: ",") + "}"]
            ).map { $0.string(0) })
    }
}
