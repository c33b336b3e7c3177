import Web

/// What plays in a room now, as the page's script needs it to play along (`Public/js/soundtrack.js`):
/// in every long-poll answer (it is small, and the position must be fresh) and in state.json.
/// `position_ms` is the position at `server_now_ms`; `stamp` changes with every playback write
/// (play, pause, seek, skip, the next track), so a script tells a seek from time passing.
struct SoundtrackNowJSON: Encodable {
    @NullWhenAbsent var entry: String?
    @NullWhenAbsent var trackID: String?
    @NullWhenAbsent var src: String?
    @NullWhenAbsent var title: String?
    @NullWhenAbsent var artist: String?
    let playing: Bool
    let positionMs: Int
    let durationMs: Int
    let serverNowMs: Int
    /// When the playback was last set (UTC, ISO 8601) and where it was then: the seed's updatedAt
    /// and position, from which `position_ms` is computed.
    let setAt: String
    let setPositionMs: Int
    let stamp: String
    let mode: String
    /// The volume (0…1) during focus in this mode (Domain `SoundtrackMode`); 1 in breaks.
    let focusVolume: Double
    /// Participant ids of the DJs (they get the controls).
    let djs: [String]

    enum CodingKeys: String, CodingKey {
        case entry, src, title, artist, playing, stamp, mode, djs
        case trackID = "track_id"
        case positionMs = "position_ms"
        case durationMs = "duration_ms"
        case serverNowMs = "server_now_ms"
        case setAt = "set_at"
        case setPositionMs = "set_position_ms"
        case focusVolume = "focus_volume"
    }
}
