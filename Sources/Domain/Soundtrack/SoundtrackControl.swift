/// A control the host or a DJ gives the room's soundtrack (the seed's play, pause, seek, skip).
public enum SoundtrackControl: Sendable, Equatable {
    case play
    case pause
    /// To this many milliseconds into the current track (checked against its length).
    case seek(ms: Int)
    case skip
}
