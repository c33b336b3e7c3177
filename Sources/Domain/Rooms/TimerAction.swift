/// What the host can do to the shared timer (the `action` of POST /r/:code/timer).
public enum TimerAction: String, CaseIterable, Sendable {
    case start, pause, resume, skip, restart, end
}
