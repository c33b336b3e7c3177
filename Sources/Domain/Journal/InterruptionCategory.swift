/// What interrupted a session (seed 004 §4.3), stored as its raw value.
public enum InterruptionCategory: String, Sendable, CaseIterable, Codable {
    case door
    case workCall = "work_call"
    case family, notification
    case lostFocus = "lost_focus"
    case other

    public init?(form: String) { self.init(rawValue: form) }

    public var words: String {
        switch self {
        case .door: return "Door"
        case .workCall: return "Work call"
        case .family: return "Family"
        case .notification: return "Notification"
        case .lostFocus: return "Lost focus"
        case .other: return "Other"
        }
    }
}
