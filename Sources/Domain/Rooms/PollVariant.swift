/// Which rendering of a live channel a parked long-poll gets. Rooms have three: the host's, with
/// every control; a DJ's, with the soundtrack's controls only; and everyone else's, without
/// (guests are never sent controls they cannot use).
public enum PollVariant: Int, Hashable, Sendable {
    case everyone = 0
    case host = 1
    case dj = 2

    public init(isHost: Bool, isDJ: Bool = false) { self = isHost ? .host : isDJ ? .dj : .everyone }

    /// Whether this rendering carries the soundtrack's controls (the host's and a DJ's).
    public var runsSoundtrack: Bool { self != .everyone }
}
