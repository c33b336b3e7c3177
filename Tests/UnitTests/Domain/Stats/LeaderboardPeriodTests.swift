import Foundation
import Testing

@testable import Domain

@Suite("Leaderboard periods (ISO weeks and months in UTC)")
struct LeaderboardPeriodTests {
    static func at(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

    /// Instants and the ISO week they fall in, including the weeks whose year is not the
    /// calendar year of their days.
    @Test(arguments: [
        ("2026-12-02T12:00:00Z", "2026-W49", "2026-11-30T00:00:00Z"),
        ("2026-11-30T00:00:00Z", "2026-W49", "2026-11-30T00:00:00Z"),
        ("2026-11-29T23:59:59Z", "2026-W48", "2026-11-23T00:00:00Z"),
        ("2024-12-30T08:00:00Z", "2025-W01", "2024-12-30T00:00:00Z"),
        ("2021-01-03T23:00:00Z", "2020-W53", "2020-12-28T00:00:00Z"),
        ("2021-01-04T00:00:00Z", "2021-W01", "2021-01-04T00:00:00Z"),
        ("2027-01-01T10:00:00Z", "2026-W53", "2026-12-28T00:00:00Z"),
        ("2023-01-01T00:00:00Z", "2022-W52", "2022-12-26T00:00:00Z"),
        ("1970-01-01T00:00:00Z", "1970-W01", "1969-12-29T00:00:00Z"),
    ])
    func weeks(_ instant: String, _ id: String, _ monday: String) {
        let week = LeaderboardPeriod.week(containing: Self.at(instant))
        #expect(week.id == id)
        #expect(week.start == Self.at(monday))
        #expect(week.end.timeIntervalSince(week.start) == 7 * 86_400)
        #expect(week.contains(Self.at(instant)))
    }

    @Test(arguments: [
        ("2026-12-31T23:59:59Z", "2026-12", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("2027-01-01T00:00:00Z", "2027-01", "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"),
        ("2028-02-29T12:00:00Z", "2028-02", "2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z"),
    ])
    func months(_ instant: String, _ id: String, _ start: String, _ end: String) {
        let month = LeaderboardPeriod.month(containing: Self.at(instant))
        #expect(month.id == id)
        #expect(month.start == Self.at(start))
        #expect(month.end == Self.at(end))
    }

    @Test func theSpanBeforeIsLastWeekOrLastMonth() {
        #expect(LeaderboardPeriod.week(containing: Self.at("2021-01-06T00:00:00Z")).previous.id == "2020-W53")
        #expect(LeaderboardPeriod.week(containing: Self.at("2025-01-01T00:00:00Z")).previous.id == "2024-W52")
        #expect(LeaderboardPeriod.month(containing: Self.at("2027-01-15T00:00:00Z")).previous.id == "2026-12")
        let week = LeaderboardPeriod.week(containing: Self.at("2026-12-02T12:00:00Z"))
        #expect(week.previous.end == week.start)
    }

    /// Ids sort like the spans they name, which the keys and the "newer period" checks rely on.
    @Test func idsSortInTimeOrder() {
        var instant = Self.at("2019-12-20T00:00:00Z")
        var last = LeaderboardPeriod.week(containing: instant)
        for _ in 0..<400 {
            instant = instant.addingTimeInterval(86_400 * 3)
            let week = LeaderboardPeriod.week(containing: instant)
            #expect(week.id >= last.id)
            #expect(week == last || week.start == last.end)
            last = week
        }
    }
}
