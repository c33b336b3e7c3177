/// Where a report stands (`reports.status`): waiting for an admin, acted on, or dismissed.
public enum ReportStatus: String, Sendable, CaseIterable {
    case open
    case resolved
    case dismissed

    public init(stored: String) { self = ReportStatus(rawValue: stored) ?? .open }

    public var label: String {
        switch self {
        case .open: return "Open"
        case .resolved: return "Resolved"
        case .dismissed: return "Dismissed"
        }
    }
}
