import Postgres

/// One of an account's playlists, as its pages list it.
struct Playlist: Sendable, Equatable {
    let id: String
    let name: String
    let trackCount: Int
    /// Seconds of music in it (the tracks' known durations added up).
    let seconds: Int

    init(row: PostgresRow) {
        id = row.string(0)
        name = row.string(1)
        trackCount = row.int(2)
        seconds = row.int(3)
    }
}
