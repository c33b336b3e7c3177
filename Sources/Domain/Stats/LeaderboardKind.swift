/// The boards of /leaderboards. Three rank focus time over a span (an ISO week or a month in
/// UTC, or all time); the consistency board ranks the longest current day streak.
public enum LeaderboardKind: String, CaseIterable, Sendable {
    case weekly
    case monthly
    case alltime
    case consistency

    /// A board named in a query (`?board=`) or in a stored report; nil for anything else.
    public init?(stored: String) { self.init(rawValue: stored) }

    public var title: String {
        switch self {
        case .weekly: return "This week"
        case .monthly: return "This month"
        case .alltime: return "All time"
        case .consistency: return "Consistency"
        }
    }

    /// What the score column holds.
    public var scoreHeading: String { self == .consistency ? "Current streak" : "Focus time" }

    /// How a score reads: focus time (seconds, shown in whole minutes) or a streak in days.
    public func formatted(score: Int) -> String {
        switch self {
        case .consistency:
            return score == 1 ? "1 day" : "\(score) days"
        case .weekly, .monthly, .alltime:
            let minutes = max(0, score) / 60
            if minutes < 60 { return "\(minutes) min" }
            let rest = minutes % 60
            return "\(minutes / 60) h " + (rest < 10 ? "0" : "") + "\(rest) min"
        }
    }
}
