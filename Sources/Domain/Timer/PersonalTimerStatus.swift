/// Whether the personal timer's current segment runs, is paused, or waits to be started.
/// Stored as its raw value in `personal_timers.status`.
public enum PersonalTimerStatus: String, Sendable, CaseIterable {
    case idle, running, paused

    public init(stored: String) { self = PersonalTimerStatus(rawValue: stored) ?? .idle }
}
