/// A journal session's state (seed 004's PomodoroSession.status, plus `running`, which the seed
/// leaves implicit). `interrupted` is the seed's "temporary" mark of a paused session; resuming
/// makes it `running` again.
public enum JournalSessionStatus: String, Sendable, CaseIterable, Codable {
    case running, interrupted, completed, abandoned

    public init(stored: String) { self = JournalSessionStatus(rawValue: stored) ?? .abandoned }

    /// Still open: it can be paused, resumed, completed or ended.
    public var isOpen: Bool { self == .running || self == .interrupted }

    /// The state after `step`, or nil when the step is out of order from here (pausing a
    /// completed session, completing twice…): the one rule the flow and its tests share.
    public func after(_ step: JournalStep) -> JournalSessionStatus? {
        switch (self, step) {
        case (.running, .pause): return .interrupted
        case (.interrupted, .resume): return .running
        case (.running, .complete), (.interrupted, .complete): return .completed
        case (.running, .end), (.interrupted, .end): return .abandoned
        default: return nil
        }
    }

    public var words: String {
        switch self {
        case .running: return "Focusing"
        case .interrupted: return "Paused"
        case .completed: return "Completed"
        case .abandoned: return "Ended early"
        }
    }
}
