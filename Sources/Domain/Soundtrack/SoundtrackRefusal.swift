/// Why the soundtrack, the catalogue, the library or a playlist says no. Stores and rules throw
/// it; `ErrorMapping` gives it its HTTP face.
public enum SoundtrackRefusal: Error, Sendable, Equatable {
    /// Absent, or someone else's (a playlist, another room's queue entry): 404 alike.
    case notFound
    /// Typed input or a form field breaks a rule (422); the message says which.
    case invalid(String)
    /// Nothing to play or skip to (409).
    case emptyQueue
    /// The step does not fit the current state (409), e.g. accepting a proposal twice.
    case conflict(String)
    /// Only the host or a DJ may do this (403).
    case djOnly
    /// A guest adding music while the host takes no track proposals (403).
    case proposalsOff
    /// The catalogue is not configured, down or too slow, and nothing is cached (503).
    case catalogueUnavailable(String)
    /// An upload that is not accepted audio, truncated, empty (422) …
    case badAudio(String)
    /// … or larger than the cap (413).
    case tooLarge(String)

    public var message: String {
        switch self {
        case .notFound: return "There is no such track, entry or playlist."
        case .emptyQueue: return "The queue is empty: add a track first."
        case .djOnly: return "Only the host or a DJ can do that."
        case .proposalsOff: return "The host is not taking track proposals in this room: only the host or a DJ can add music."
        case .invalid(let why), .conflict(let why), .catalogueUnavailable(let why), .badAudio(let why), .tooLarge(let why):
            return why
        }
    }
}
