/// What a person can do to their personal timer (`POST /timer/<control>`).
public enum TimerControl: String, CaseIterable, Sendable {
    case start, pause, resume, skip, reset, stop
    /// Start a short or long break now (`BreakKind`), whatever runs.
    case startBreak = "break"
}
