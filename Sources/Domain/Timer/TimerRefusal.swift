/// Why a personal timer control was refused. Nothing changes; App/Core/ErrorMapping.swift gives
/// the HTTP status (409 for `stale`, 422 for `invalid`).
public enum TimerRefusal: Error, Equatable, Sendable {
    /// The timer is not where the person's page showed it (another tab, a segment that ended, a
    /// double click), or the control does not apply to where it is.
    case stale(String)
    /// The form itself is malformed (no version, an unknown break).
    case invalid(String)

    public var message: String {
        switch self {
        case .stale(let m), .invalid(let m): return m
        }
    }
}
