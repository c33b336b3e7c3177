/// What is wrong with a file that starts like audio but does not hold together (`AudioStructure`).
public enum AudioDefect: Sendable, Equatable {
    /// The container says more is coming than the file has: it was cut short.
    case truncated
    /// Bytes that are not part of the container: after its end, or where the next piece of it
    /// should start (a polyglot's HTML, a file glued to another).
    case foreign
    /// The container's own fields contradict each other.
    case malformed

    public var message: String {
        switch self {
        case .truncated: return "That audio file is cut short (truncated): it ends in the middle of its audio. Record or export it again."
        case .foreign: return "That audio file has something other than audio inside it or after its end, so it was refused."
        case .malformed: return "That audio file is damaged: its structure does not hold together."
        }
    }
}
