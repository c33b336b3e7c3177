/// Why someone reports something: the list on every report form (`reports.reason`).
public enum ReportReason: String, Sendable, CaseIterable {
    case spam
    case harassment
    case hate
    case sexual
    case violence
    case impersonation
    case other

    public var label: String {
        switch self {
        case .spam: return "Spam or advertising"
        case .harassment: return "Harassment or bullying"
        case .hate: return "Hate speech"
        case .sexual: return "Sexual content"
        case .violence: return "Violence or threats"
        case .impersonation: return "Pretending to be someone else"
        case .other: return "Something else"
        }
    }
}
