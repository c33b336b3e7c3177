/// Which of the owner's days the journal's insights cover (`/journal/insights?range=`): the last
/// 7 or 30 of their days, today included, or every day since their first session. Days are the
/// journal's own (the personal timer's day boundary), so a range never splits a day.
public enum InsightsRange: String, Sendable, CaseIterable {
    case week, month, all

    /// What the page shows when the address names no range.
    public static let standard: InsightsRange = .month

    /// The range a query value names: the standard one for no value or an empty one, nil for
    /// anything else (the page refuses it rather than guess).
    public init?(query: String?) {
        guard let query, !query.isEmpty else {
            self = Self.standard
            return
        }
        self.init(rawValue: query)
    }

    /// How many days the range spans; nil for all of them.
    public var days: Int? {
        switch self {
        case .week: return 7
        case .month: return 30
        case .all: return nil
        }
    }

    /// The first day shown: `days` back from `today`, or the journal's first day (today when
    /// there is none yet).
    public func firstDay(today: LocalDate, journalStart: LocalDate?) -> LocalDate {
        guard let days else { return min(journalStart ?? today, today) }
        return today.adding(days: 1 - days)
    }

    public var words: String {
        switch self {
        case .week: return "Last 7 days"
        case .month: return "Last 30 days"
        case .all: return "All time"
        }
    }

    /// What a refusal says: the names that work.
    public static let choices = "week, month or all"
}
