import Testing

@testable import Domain

@Suite("Stats periods and day grids")
struct StatsPeriodsTests {
    static func day(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }

    @Test(arguments: [
        // today, Monday of its ISO week, first of its month, first of the last 30 days
        ("2026-12-02", "2026-11-30", "2026-12-01", "2026-11-03"),  // a Wednesday
        ("2026-11-30", "2026-11-30", "2026-11-01", "2026-11-01"),  // a Monday
        ("2026-11-29", "2026-11-23", "2026-11-01", "2026-10-31"),  // a Sunday: the week began six days ago
        ("2027-01-01", "2026-12-28", "2027-01-01", "2026-12-03"),  // a week across New Year
        ("2028-03-01", "2028-02-28", "2028-03-01", "2028-02-01"),  // 29 days back over a leap day
    ])
    func periodsStartWhereTheCalendarSays(today: String, week: String, month: String, recent: String) {
        let periods = StatsPeriods(today: Self.day(today))
        #expect(periods.weekStart.iso == week)
        #expect(periods.monthStart.iso == month)
        #expect(periods.recentStart.iso == recent)
        #expect(periods.earliest == min(Self.day(week), Self.day(month), Self.day(recent)))
    }

    @Test func theRecentGridIs53WeeksEndingToday() throws {
        let grid = DayGrid.recent(through: Self.day("2026-12-02"))
        #expect(grid.firstMonday.iso == "2025-12-01")
        #expect(grid.firstMonday.isoWeekday == 1)
        #expect(grid.weeks == 53)
        #expect(grid.days.lowerBound.iso == "2025-12-01" && grid.days.upperBound.iso == "2026-12-02")
        let today = try #require(grid.place(Self.day("2026-12-02")))
        #expect(today.week == 52 && today.weekday == 2)
        #expect(grid.place(Self.day("2026-12-03")) == nil)
        #expect(grid.place(Self.day("2025-11-30")) == nil)
    }

    @Test(arguments: [
        // year, Monday of the first column, columns
        (2025, "2024-12-30", 53),  // 1 January 2025 is a Wednesday
        (2024, "2024-01-01", 53),  // a leap year starting on a Monday, ending on a Tuesday
        (2023, "2022-12-26", 53),  // starts on a Sunday
        (2021, "2020-12-28", 53),  // starts on a Friday, ends on a Friday
        (2018, "2018-01-01", 53),  // starts on a Monday, ends on a Monday
    ])
    func aCalendarYearCoversEveryDayOfIt(year: Int, firstMonday: String, weeks: Int) throws {
        let grid = DayGrid.year(year)
        #expect(grid.firstMonday.iso == firstMonday)
        #expect(grid.weeks == weeks)
        #expect(grid.place(LocalDate(year: year, month: 1, day: 1)!)?.week == 0)
        let last = try #require(grid.place(LocalDate(year: year, month: 12, day: 31)!))
        #expect(last.week == weeks - 1)
        #expect(grid.place(LocalDate(year: year + 1, month: 1, day: 1)!) == nil)
    }
}
