/// How the insights' charts over time group days: one bar a day for up to a month, a week for up
/// to half a year, a month beyond that, so "all time" stays a few dozen bars (and table rows)
/// after years of use. The raw value is PostgreSQL's `date_trunc` unit for the same grouping
/// (weeks start on Monday there as here).
public enum InsightsBucket: String, Sendable, CaseIterable {
    case day, week, month

    /// The grouping for the days from `first` through `last`.
    public static func fitting(from first: LocalDate, through last: LocalDate) -> InsightsBucket {
        let span = last - first + 1
        if span <= 31 { return .day }
        if span <= 26 * 7 { return .week }
        return .month
    }

    /// The first day of the bucket `day` falls in.
    public func start(of day: LocalDate) -> LocalDate {
        switch self {
        case .day: return day
        case .week: return day.adding(days: 1 - day.isoWeekday)
        case .month:
            let (year, month, _) = day.components
            return LocalDate(year: year, month: month, day: 1)!
        }
    }

    /// Every bucket from the one holding `first` through the one holding `last`, by its first
    /// day, oldest first (empty ones included: a day without sessions is a zero, not a gap).
    public func starts(from first: LocalDate, through last: LocalDate) -> [LocalDate] {
        guard first <= last else { return [] }
        var out: [LocalDate] = []
        var day = start(of: first)
        while day <= last {
            out.append(day)
            day = next(after: day)
        }
        return out
    }

    private func next(after start: LocalDate) -> LocalDate {
        switch self {
        case .day: return start.adding(days: 1)
        case .week: return start.adding(days: 7)
        case .month:
            let (year, month, _) = start.components
            return month == 12 ? LocalDate(year: year + 1, month: 1, day: 1)! : LocalDate(year: year, month: month + 1, day: 1)!
        }
    }

    /// A bucket's name in a table: "2025-03-04", "week of 2025-03-03", "2025-03".
    public func label(_ start: LocalDate) -> String {
        switch self {
        case .day: return start.iso
        case .week: return "week of \(start.iso)"
        case .month: return String(start.iso.prefix(7))
        }
    }

    /// A bucket's name under a bar, where room is short: "03-04", "03-03", "2025-03".
    public func shortLabel(_ start: LocalDate) -> String {
        switch self {
        case .day, .week: return String(start.iso.dropFirst(5))
        case .month: return String(start.iso.prefix(7))
        }
    }

    /// "day", "week", "month": the unit in headings ("Pomodoros per week").
    public var noun: String { rawValue }
}
