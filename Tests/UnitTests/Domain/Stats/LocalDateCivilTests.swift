import Foundation
import Testing

@testable import Domain

/// LocalDate converts between day numbers and calendar dates by arithmetic; Foundation's
/// Gregorian calendar is the reference.
@Suite("Local dates by arithmetic")
struct LocalDateCivilTests {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    @Test func everyDayFrom1890To2110AgreesWithTheGregorianCalendar() throws {
        let first = try #require(LocalDate(year: 1890, month: 1, day: 1))
        let reference = try #require(Self.utc.date(from: DateComponents(year: 1890, month: 1, day: 1, hour: 12)))
        #expect(Double(first.dayNumber) * 86_400 + 43_200 == reference.timeIntervalSince1970)
        for offset in stride(from: 0, to: 80_000, by: 1) {
            let day = first.adding(days: offset)
            let parts = Self.utc.dateComponents([.year, .month, .day], from: reference.addingTimeInterval(Double(offset) * 86_400))
            let (y, m, d) = day.components
            guard y == parts.year, m == parts.month, d == parts.day, LocalDate(year: y, month: m, day: d) == day else {
                Issue.record("day \(day.dayNumber): \(y)-\(m)-\(d), the calendar says \(parts)")
                return
            }
        }
    }

    @Test(arguments: [
        (2026, 2, 29), (2025, 2, 29), (2100, 2, 29), (2026, 4, 31), (2026, 13, 1), (2026, 0, 1), (2026, 1, 0), (2026, 1, 32),
    ])
    func impossibleDatesAreNil(year: Int, month: Int, day: Int) {
        #expect(LocalDate(year: year, month: month, day: day) == nil)
    }

    @Test func leapDaysExistWhereTheyShould() {
        #expect(LocalDate(year: 2024, month: 2, day: 29)?.iso == "2024-02-29")
        #expect(LocalDate(year: 2000, month: 2, day: 29)?.iso == "2000-02-29")
        #expect(LocalDate(dayNumber: 0).iso == "1970-01-01")
        #expect(LocalDate(dayNumber: -1).iso == "1969-12-31")
        #expect(LocalDate(iso: "0999-01-01")?.iso == "0999-01-01")
    }
}
