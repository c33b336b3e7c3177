/// Why a board, note, stroke or version request was refused. Stores and handlers throw it;
/// `ErrorMapping` gives each case its status.
public enum BoardRefusal: Error, Sendable, Equatable {
    /// No such board, note or kept version, or not the signed-in person's: 404, exactly alike.
    case notFound
    /// What was sent cannot be stored (bad text, position, stroke, version field): 422.
    case invalid(String)
    /// A limit is reached (boards per person, notes, strokes, bytes per board): 422.
    case full(String)
    /// The page showed version `shown` but the board is at `current` (another tab or window
    /// changed it): 409, with a way to reload.
    case stale(shown: Int, current: Int)

    public var message: String {
        switch self {
        case .notFound: return "There is no such board, note or version."
        case .invalid(let text), .full(let text): return text
        case .stale(let shown, let current):
            return "This board changed in another tab or window since you loaded it (your page showed version \(shown), "
                + "it is now at version \(current)). Nothing was saved from this request: reload the board and try again."
        }
    }
}
