import Domain
import Foundation
import Postgres

/// SQL for `tracks`: the catalogue's metadata kept as tracks are seen (the seed's Track), and the
/// self-hosted library's files.
enum TrackStore {
    /// What the catalogue says about a video, as kept.
    struct CatalogueTrack: Sendable, Equatable {
        let pipedID: PipedID
        let title: String
        let artist: String
        let album: String?
        /// https only; anything else is dropped before it gets here.
        let thumbnailURL: String?
        let durationSeconds: Int
    }

    /// What an upload to the library is, once sniffed and probed.
    struct LibraryFile: Sendable, Equatable {
        let file: String
        let mime: String
        let bytes: Int
        let title: String
        let artist: String
        let album: String?
        let durationSeconds: Int
        let uploadedBy: String?
    }

    static func find(id: String, on conn: PostgresConnection) throws -> Track? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try conn.query("SELECT " + Track.columns + " FROM tracks t WHERE t.id = $1", [id]).first.map { Track(row: $0) }
    }

    /// Inserts or refreshes the metadata of a catalogue track; returns its id.
    static func upsert(_ track: CatalogueTrack, on conn: PostgresConnection) throws -> String {
        try conn.query(
            """
            INSERT INTO tracks (source, piped_id, title, artist, album, thumbnail_url, duration_seconds)
            VALUES ('piped', $1, $2, $3, $4, $5, $6)
            ON CONFLICT (piped_id) DO UPDATE SET title = excluded.title, artist = excluded.artist, album = excluded.album,
                thumbnail_url = excluded.thumbnail_url, duration_seconds = excluded.duration_seconds
            RETURNING id
            """,
            [track.pipedID.value, track.title, track.artist, track.album, track.thumbnailURL, track.durationSeconds]
        ).first!.string(0)
    }

    /// Adds a library file; returns its id.
    static func insert(_ file: LibraryFile, on conn: PostgresConnection) throws -> String {
        try conn.query(
            """
            INSERT INTO tracks (source, file, mime, bytes, title, artist, album, duration_seconds, uploaded_by)
            VALUES ('library', $1, $2, $3, $4, $5, $6, $7, $8)
            RETURNING id
            """,
            [file.file, file.mime, file.bytes, file.title, file.artist, file.album, file.durationSeconds, file.uploadedBy]
        ).first!.string(0)
    }

    // MARK: The library

    /// One page of the library, newest first.
    static func library(limit: Int, offset: Int, on conn: PostgresConnection) throws -> [Track] {
        try conn.query(
            "SELECT " + Track.columns + " FROM tracks t WHERE t.source = 'library' ORDER BY t.created_at DESC, t.id LIMIT $1 OFFSET $2",
            [limit, offset]
        ).map { Track(row: $0) }
    }

    static func libraryCount(on conn: PostgresConnection) throws -> Int {
        try conn.query("SELECT count(*) FROM tracks WHERE source = 'library'").first!.int(0)
    }

    /// The stored file name of a library track; nil for a catalogue track or an unknown id.
    static func libraryFile(id: String, on conn: PostgresConnection) throws -> String? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try conn.query("SELECT file FROM tracks WHERE id = $1 AND source = 'library'", [id]).first.map { $0.string(0) }
    }

    /// Whether a library track with this title and artist is there already (the seeding of
    /// `make run` adds each of its tracks once).
    static func libraryHas(title: String, artist: String, on conn: PostgresConnection) throws -> Bool {
        try conn.query(
            "SELECT 1 FROM tracks WHERE source = 'library' AND title = $1 AND artist = $2 LIMIT 1", [title, artist]
        ).count > 0
    }

    /// Deletes a library track (queue entries, playlist entries and likes cascade); returns its
    /// file name so the caller removes the file once the transaction has committed.
    static func deleteLibrary(id: String, on conn: PostgresConnection) throws -> String? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try conn.query("DELETE FROM tracks WHERE id = $1 AND source = 'library' RETURNING file", [id]).first.map { $0.string(0) }
    }
}
