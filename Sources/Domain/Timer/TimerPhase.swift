/// Which part of the personal timer's cycle runs: focus, or one of the two breaks. Stored as its
/// raw value in `personal_timers.phase` (a CHECK allows exactly these).
public enum TimerPhase: String, Sendable, CaseIterable {
    case focus
    case shortBreak = "short_break"
    case longBreak = "long_break"

    public var isBreak: Bool { self != .focus }

    /// The words a page uses.
    public var words: String {
        switch self {
        case .focus: return "Focus"
        case .shortBreak: return "Short break"
        case .longBreak: return "Long break"
        }
    }

    /// The CHECK constraint makes anything else impossible; an unknown value (a newer schema)
    /// reads as focus rather than failing the page.
    public init(stored: String) { self = TimerPhase(rawValue: stored) ?? .focus }
}
