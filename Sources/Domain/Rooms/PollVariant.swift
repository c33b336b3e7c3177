/// Which rendering of a live channel a parked long-poll gets. Rooms have two: the host's, with
/// the controls, and everyone else's, without (guests are never sent controls they cannot use).
public enum PollVariant: Int, Hashable, Sendable {
    case everyone = 0
    case host = 1

    public init(isHost: Bool) { self = isHost ? .host : .everyone }
}
