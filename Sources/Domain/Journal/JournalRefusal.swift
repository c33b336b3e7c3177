/// Why the journal says no. Stores and rules throw it; `ErrorMapping` gives it its HTTP face.
public enum JournalRefusal: Error, Sendable, Equatable {
    /// Absent, or someone else's (a session, an interruption, a break, a voice note): 404 alike.
    case notFound
    /// A category, a transcript or a form field breaks a rule (422); the message says which.
    case invalid(String)
    /// The step does not follow from where the session is (409): pausing a completed session,
    /// completing twice, starting while another is open.
    case outOfOrder(String)
    /// A voice note that is not one of the accepted kinds of audio, is empty, truncated or too
    /// long (422 or 413 by `tooLarge`).
    case badAudio(String)
    /// Larger than the cap (413).
    case tooLarge(String)

    public var message: String {
        switch self {
        case .notFound: return "There is no such entry in your journal."
        case .invalid(let why), .outOfOrder(let why), .badAudio(let why), .tooLarge(let why): return why
        }
    }
}
