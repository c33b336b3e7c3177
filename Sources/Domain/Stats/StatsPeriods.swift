/// The stretches of days a stats page sums, from the owner's today: the ISO week (Monday to
/// Sunday), the calendar month and the last 30 days, all by the days credit was stamped with.
public struct StatsPeriods: Sendable, Equatable {
    public let today: LocalDate
    public let weekStart: LocalDate
    public let monthStart: LocalDate
    /// The first of the last 30 days (today is the last).
    public let recentStart: LocalDate

    public static let recentDays = 30

    public init(today: LocalDate) {
        self.today = today
        weekStart = today.adding(days: 1 - today.isoWeekday)
        let (year, month, _) = today.components
        monthStart = LocalDate(year: year, month: month, day: 1)!
        recentStart = today.adding(days: 1 - Self.recentDays)
    }

    /// The earliest day any of them needs.
    public var earliest: LocalDate { min(weekStart, monthStart, recentStart) }
}
