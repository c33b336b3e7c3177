/// Where a task's due date stands against the owner's today (both days in the owner's zone).
public enum DueState: String, Sendable, Equatable {
    case none, overdue, today, later

    public init(due: LocalDate?, today: LocalDate) {
        guard let due else {
            self = .none
            return
        }
        self = due < today ? .overdue : due == today ? .today : .later
    }

    /// Words for the task's line, e.g. "overdue (due 2026-03-01)".
    public func words(_ due: LocalDate?) -> String {
        switch self {
        case .none: return ""
        case .overdue: return "Overdue (due \(due?.iso ?? ""))"
        case .today: return "Due today"
        case .later: return "Due \(due?.iso ?? "")"
        }
    }
}
