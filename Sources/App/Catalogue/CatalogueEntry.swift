import Domain

/// A catalogue track as the music pages list it and Redis keeps it: the `tracks` row's id (what
/// links and "Queue in the room" forms carry) with the metadata shown.
struct CatalogueEntry: Codable, Sendable, Equatable {
    let id: String
    let pipedID: String
    let title: String
    let artist: String
    /// https only (PipedReply.thumbnail).
    let thumbnail: String?
    let duration: Int

    init(id: String, track: TrackStore.CatalogueTrack) {
        self.id = id
        pipedID = track.pipedID.value
        title = track.title
        artist = track.artist
        thumbnail = track.thumbnailURL
        duration = track.durationSeconds
    }

    enum CodingKeys: String, CodingKey {
        case id, title, artist, thumbnail, duration
        case pipedID = "piped_id"
    }
}
