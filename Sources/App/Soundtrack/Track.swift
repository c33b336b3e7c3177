import Domain
import Foundation
import Postgres

/// One row of `tracks`: a catalogue video or a library file, with what pages show of it.
struct Track: Sendable, Equatable {
    let id: String
    let source: TrackSource
    let pipedID: PipedID?
    /// A library track's file name in POMOPOMO_UPLOADS/library.
    let file: String?
    let mime: String?
    let title: String
    let artist: String
    let album: String?
    let thumbnailURL: String?
    let durationSeconds: Int

    /// The columns every read selects, in this order (`init(row:offset:)`), for `tracks t`.
    static let columns = "t.id, t.source, t.piped_id, t.file, t.mime, t.title, t.artist, t.album, t.thumbnail_url, t.duration_seconds"

    init(row: PostgresRow, offset: Int = 0) {
        id = row.string(offset)
        source = TrackSource(stored: row.string(offset + 1))
        pipedID = row[offset + 2].flatMap(PipedID.init)
        file = row[offset + 3]
        mime = row[offset + 4]
        title = row.string(offset + 5)
        artist = row.string(offset + 6)
        album = row[offset + 7]
        thumbnailURL = row[offset + 8]
        durationSeconds = row.int(offset + 9)
    }

    /// Where a browser fetches the audio: a library file through nginx's X-Accel-Redirect
    /// (`/music/tracks/{id}/file`, Range works), a catalogue track by a redirect to its current
    /// Piped stream (`/music/tracks/{id}/stream`).
    var audioURL: String { source == .library ? "/music/tracks/\(id)/file" : "/music/tracks/\(id)/stream" }
}
