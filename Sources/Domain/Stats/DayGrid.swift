/// Day squares laid out as on a wall calendar turned on its side: one column per ISO week
/// (Monday at the top), either the 53 weeks up to today or one calendar year.
public struct DayGrid: Sendable, Equatable {
    /// The Monday of the first column.
    public let firstMonday: LocalDate
    /// The days drawn; the first and last columns may be partly empty.
    public let days: ClosedRange<LocalDate>

    public static let recentWeeks = 53

    /// The 53 weeks ending with the week of `today`, through today.
    public static func recent(through today: LocalDate) -> DayGrid {
        let monday = today.adding(days: 1 - today.isoWeekday).adding(days: -7 * (recentWeeks - 1))
        return DayGrid(firstMonday: monday, days: monday...today)
    }

    /// 1 January to 31 December of `year`.
    public static func year(_ year: Int) -> DayGrid {
        let first = LocalDate(year: year, month: 1, day: 1)!
        let last = LocalDate(year: year, month: 12, day: 31)!
        return DayGrid(firstMonday: first.adding(days: 1 - first.isoWeekday), days: first...last)
    }

    /// Columns drawn.
    public var weeks: Int { (days.upperBound - firstMonday) / 7 + 1 }

    /// Column and row (0 is Monday) of a day in the grid, nil outside it.
    public func place(_ day: LocalDate) -> (week: Int, weekday: Int)? {
        guard days.contains(day) else { return nil }
        return ((day - firstMonday) / 7, day.isoWeekday - 1)
    }
}
