import Foundation
import Testing

@testable import Domain

@Suite("Day boundary")
struct DayBoundaryTests {
    @Test(arguments: [
        ("2026-12-02 23:59:59", "Asia/Tokyo", 0, "2026-12-02"),
        ("2026-12-03 00:00:00", "Asia/Tokyo", 0, "2026-12-03"),
        ("2026-12-03 03:59:00", "Europe/Berlin", 240, "2026-12-02"),
        ("2026-12-03 04:00:00", "Europe/Berlin", 240, "2026-12-03"),
        // The spring-forward night: 02:00 does not exist, the clock reads 03:30 at 01:30 UTC.
        ("2026-03-29 03:30:00", "Europe/Berlin", 240, "2026-03-28"),
    ])
    func theDayAnInstantBelongsTo(wall: String, zone: String, reset: Int, expected: String) {
        let boundary = DayBoundary(zoneName: zone, resetMinutes: reset)!
        #expect(boundary.day(at: instant(wall, zone)) == day(expected))
    }

    @Test(arguments: [
        ("2026-03-29", 23.0),  // Berlin springs forward
        ("2026-10-25", 25.0),  // and falls back
        ("2026-06-01", 24.0),
    ])
    func dstDaysAre23Or25HoursLong(date: String, hours: Double) {
        let berlin = DayBoundary(zoneName: "Europe/Berlin")!
        let start = berlin.start(of: day(date))
        #expect(berlin.next(after: start).timeIntervalSince(start) == hours * 3600)
    }

    @Test func aResetTimeMovesWithTheWallClockAcrossDST() {
        let berlin = DayBoundary(zoneName: "Europe/Berlin", resetMinutes: 240)!
        #expect(berlin.start(of: day("2026-03-29")) == instant("2026-03-29 04:00:00", "Europe/Berlin"))
        #expect(berlin.start(of: day("2026-10-25")) == instant("2026-10-25 04:00:00", "Europe/Berlin"))
    }

    @Test func unknownZonesAreRefused() {
        #expect(DayBoundary(zoneName: "Mars/Olympus") == nil)
        #expect(DayBoundary(zoneName: "") == nil)
        #expect(DayBoundary(zoneName: String(repeating: "A", count: 65)) == nil)
    }

    @Test func localDatesReadAndCount() {
        #expect(day("2026-12-02").isoWeekday == 3)
        #expect(day("2026-12-07").isoWeekday == 1)
        #expect(day("2026-03-01") - day("2026-02-28") == 1)
        #expect(day("2024-02-29").iso == "2024-02-29")
        #expect(LocalDate(iso: "2026-02-29") == nil)
        #expect(LocalDate(iso: "2026-2-01") == nil)
        #expect(LocalDate(iso: "yesterday") == nil)
    }
}
