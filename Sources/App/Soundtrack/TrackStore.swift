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

    /// The catalogue track of a video, if it was ever seen.
    static func find(pipedID: PipedID, on conn: PostgresConnection) throws -> Track? {
        try conn.query("SELECT " + Track.columns + " FROM tracks t WHERE t.piped_id = $1", [pipedID.value]).first.map { Track(row: $0) }
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

    /// Inserts or refreshes many catalogue tracks in one statement (what a search or a video's
    /// related list brings); returns their ids by video id. Unchanged rows are not rewritten, and
    /// rows are taken in video-id order so two responders keeping overlapping lists never deadlock.
    /// `album` is left as it is: Piped does not know albums.
    static func upsertAll(_ tracks: [CatalogueTrack], on conn: PostgresConnection) throws -> [PipedID: String] {
        guard !tracks.isEmpty else { return [:] }
        var seen = Set<PipedID>()
        let unique = tracks.filter { seen.insert($0.pipedID).inserted }
        let ids = PostgresArray.text(unique.map(\.pipedID.value))
        let rows = try conn.query(
            """
            WITH input AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])
                    AS i(piped_id, title, artist, thumbnail_url, duration_seconds)),
            changed AS (
                INSERT INTO tracks (source, piped_id, title, artist, thumbnail_url, duration_seconds)
                SELECT 'piped', piped_id, title, artist, thumbnail_url, duration_seconds FROM input ORDER BY piped_id
                ON CONFLICT (piped_id) DO UPDATE SET title = excluded.title, artist = excluded.artist,
                    thumbnail_url = excluded.thumbnail_url, duration_seconds = excluded.duration_seconds
                WHERE (tracks.title, tracks.artist, tracks.thumbnail_url, tracks.duration_seconds)
                    IS DISTINCT FROM (excluded.title, excluded.artist, excluded.thumbnail_url, excluded.duration_seconds)
                RETURNING piped_id, id)
            SELECT piped_id, id FROM changed
            UNION ALL
            SELECT t.piped_id, t.id FROM tracks t JOIN input i USING (piped_id)
            WHERE NOT EXISTS (SELECT 1 FROM changed c WHERE c.piped_id = t.piped_id)
            """,
            [
                ids, PostgresArray.text(unique.map(\.title)), PostgresArray.text(unique.map(\.artist)),
                PostgresArray.text(unique.map(\.thumbnailURL)), PostgresArray.text(unique.map { String($0.durationSeconds) }),
            ])
        var found: [PipedID: String] = [:]
        for row in rows { if let id = PipedID(row.string(0)) { found[id] = row.string(1) } }
        if found.count < unique.count {
            // A row another responder inserted after this statement's snapshot: read it again.
            for row in try conn.query("SELECT piped_id, id FROM tracks WHERE piped_id = ANY($1::text[])", [ids]) {
                if let id = PipedID(row.string(0)) { found[id] = row.string(1) }
            }
        }
        return found
    }

    /// Keeps a catalogue track unless it is already kept (a video's own page describes it less
    /// well than the search that found it); returns its id either way.
    static func insertIfMissing(_ track: CatalogueTrack, on conn: PostgresConnection) throws -> String {
        let row = try conn.query(
            """
            WITH added AS (
                INSERT INTO tracks (source, piped_id, title, artist, thumbnail_url, duration_seconds)
                VALUES ('piped', $1, $2, $3, $4, $5)
                ON CONFLICT (piped_id) DO NOTHING
                RETURNING id)
            SELECT id FROM added UNION ALL SELECT id FROM tracks WHERE piped_id = $1
            LIMIT 1
            """, [track.pipedID.value, track.title, track.artist, track.thumbnailURL, track.durationSeconds]
        ).first
        if let row { return row.string(0) }
        // Inserted by another responder after this statement's snapshot: read it again.
        guard let again = try find(pipedID: track.pipedID, on: conn) else { throw SoundtrackRefusal.notFound }
        return again.id
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
    /// file name, so the caller removes the file once the transaction has committed, and title.
    static func deleteLibrary(id: String, on conn: PostgresConnection) throws -> (file: String, title: String)? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try conn.query("DELETE FROM tracks WHERE id = $1 AND source = 'library' RETURNING file, title", [id]).first.map {
            ($0.string(0), $0.string(1))
        }
    }
}
