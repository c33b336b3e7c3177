/// How long an admin may suspend an account for: the choices of the suspend form.
public enum SuspensionLength: String, Sendable, CaseIterable {
    case hour = "1h"
    case day = "1d"
    case threeDays = "3d"
    case week = "7d"
    case month = "30d"
    case quarter = "90d"

    public var seconds: Int {
        switch self {
        case .hour: return 3600
        case .day: return 86_400
        case .threeDays: return 3 * 86_400
        case .week: return 7 * 86_400
        case .month: return 30 * 86_400
        case .quarter: return 90 * 86_400
        }
    }

    public var label: String {
        switch self {
        case .hour: return "1 hour"
        case .day: return "1 day"
        case .threeDays: return "3 days"
        case .week: return "7 days"
        case .month: return "30 days"
        case .quarter: return "90 days"
        }
    }
}
