/// Where a track's audio comes from: the Piped catalogue (a YouTube video id) or the
/// self-hosted library (a file an admin uploaded). Stored as `tracks.source`.
public enum TrackSource: String, Sendable, CaseIterable {
    case piped, library

    public init(stored: String) { self = TrackSource(rawValue: stored) ?? .library }
}
