import Foundation
import Testing

@testable import Domain

/// When a daily reset runs in zones whose clocks jump (seed 002's DST scenarios, issue 13):
/// the reset instants `DayBoundary` gives, and that every day begins exactly once.
@Suite("Reset instants across DST and odd zones")
struct ResetInstantTests {
    private func utc(_ text: String) -> Date { instant(text, "UTC") }
    private func boundary(_ zone: String, _ hhmm: String) -> DayBoundary {
        let parts = hhmm.split(separator: ":").map { Int($0)! }
        return DayBoundary(zoneName: zone, resetMinutes: parts[0] * 60 + parts[1])!
    }

    @Test func newYorkSpringForwardRunsAtTheFirstMomentAfterTheGap() {
        let ny = boundary("America/New_York", "02:30")
        // 2025-03-09 02:00 EST became 03:00 EDT: 02:30 never happened that day.
        #expect(ny.start(of: day("2025-03-09")) == utc("2025-03-09 07:00:00"))
        #expect(ny.next(after: ny.start(of: day("2025-03-08"))) == utc("2025-03-09 07:00:00"))
        #expect(ny.day(at: utc("2025-03-09 06:59:59")) == day("2025-03-08"))
        #expect(ny.day(at: utc("2025-03-09 07:00:00")) == day("2025-03-09"))
        // The next day is back at 02:30 EDT.
        #expect(ny.next(after: utc("2025-03-09 07:00:00")) == utc("2025-03-10 06:30:00"))
    }

    @Test func newYorkFallBackRunsAtTheFirstOccurrenceOnly() {
        let ny = boundary("America/New_York", "01:30")
        // 2025-11-02 01:30 happened twice: EDT (05:30 UTC), then EST (06:30 UTC).
        #expect(ny.start(of: day("2025-11-02")) == utc("2025-11-02 05:30:00"))
        #expect(ny.day(at: utc("2025-11-02 05:29:59")) == day("2025-11-01"))
        // After the first 01:30 it stays the new day through the repeated hour: 01:15 EST is
        // not "yesterday" again, and the second 01:30 starts nothing.
        #expect(ny.day(at: utc("2025-11-02 06:15:00")) == day("2025-11-02"))
        #expect(ny.day(at: utc("2025-11-02 06:30:00")) == day("2025-11-02"))
        #expect(ny.next(after: utc("2025-11-02 05:30:00")) == utc("2025-11-03 06:30:00"))
    }

    @Test func lordHoweMovesHalfAnHour() {
        // +10:30 standard, +11 in summer: 2025-10-05 02:00 became 02:30.
        let spring = boundary("Australia/Lord_Howe", "02:15")
        #expect(spring.start(of: day("2025-10-05")) == utc("2025-10-04 15:30:00"))
        #expect(spring.start(of: day("2025-10-06")) == utc("2025-10-05 15:15:00"))
        // 2025-04-06 02:00 (+11) became 01:30 (+10:30): 01:45 happened twice.
        let autumn = boundary("Australia/Lord_Howe", "01:45")
        #expect(autumn.start(of: day("2025-04-06")) == utc("2025-04-05 14:45:00"))
        #expect(autumn.day(at: utc("2025-04-05 15:10:00")) == day("2025-04-06"))
        #expect(autumn.next(after: utc("2025-04-05 14:45:00")) == utc("2025-04-06 15:15:00"))
    }

    @Test func kathmanduIsFiveFortyFiveAhead() {
        let midnight = boundary("Asia/Kathmandu", "00:00")
        #expect(midnight.start(of: day("2025-06-01")) == utc("2025-05-31 18:15:00"))
        #expect(midnight.day(at: utc("2025-05-31 18:14:59")) == day("2025-05-31"))
        #expect(midnight.day(at: utc("2025-05-31 18:15:00")) == day("2025-06-01"))
        let custom = boundary("Asia/Kathmandu", "05:45")
        #expect(custom.next(after: utc("2025-05-31 12:00:00")) == utc("2025-06-01 00:00:00"))
    }

    @Test func apiaSkippedTheThirtiethOfDecember2011() {
        let apia = boundary("Pacific/Apia", "00:00")
        // 2011-12-29 24:00 at -10 was 2011-12-31 00:00 at +14 (10:00 UTC): no 30th.
        #expect(apia.start(of: day("2011-12-29")) == utc("2011-12-29 10:00:00"))
        #expect(apia.next(after: utc("2011-12-29 10:00:00")) == utc("2011-12-30 10:00:00"))
        #expect(apia.day(at: utc("2011-12-30 09:59:59")) == day("2011-12-29"))
        #expect(apia.day(at: utc("2011-12-30 10:00:00")) == day("2011-12-31"))
        // The 31st is a whole day of its own, starting at +14 midnight; 2012 follows it.
        #expect(apia.next(after: utc("2011-12-30 10:00:00")) == utc("2011-12-31 10:00:00"))
        #expect(apia.day(at: utc("2011-12-31 10:00:00")) == day("2012-01-01"))
        // At noon the 30th has no reset of its own either: the 29th runs until the 31st's noon.
        let noon = boundary("Pacific/Apia", "12:00")
        #expect(noon.next(after: noon.start(of: day("2011-12-29"))) == utc("2011-12-30 22:00:00"))
        #expect(noon.day(at: utc("2011-12-30 10:00:00")) == day("2011-12-29"))
    }

    @Test(arguments: [
        // Santiago: 2025-09-07 00:00 -04 became 01:00 -03.
        ("America/Santiago", "2025-09-07", "2025-09-07 04:00:00"),
        // Havana: 2025-03-09 00:00 CST became 01:00 CDT.
        ("America/Havana", "2025-03-09", "2025-03-09 05:00:00"),
    ])
    func aMidnightThatDoesNotExistRunsAtOne(zone: String, date: String, expected: String) {
        let midnight = boundary(zone, "00:00")
        #expect(midnight.start(of: day(date)) == utc(expected))
        #expect(midnight.next(after: midnight.start(of: day(date).adding(days: -1))) == utc(expected))
        #expect(midnight.day(at: utc(expected).addingTimeInterval(-1)) == day(date).adding(days: -1))
        #expect(midnight.wallClock(at: utc(expected)).hasPrefix("\(date) 01:00"))
    }

    @Test(arguments: [
        ("America/New_York", "2025-03-09 07:00:00", "2025-03-09 03:00 UTC-4"),
        ("America/New_York", "2025-11-02 06:30:00", "2025-11-02 01:30 UTC-5"),
        ("Asia/Kathmandu", "2025-05-31 18:15:00", "2025-06-01 00:00 UTC+5:45"),
        ("Pacific/Apia", "2011-12-30 10:00:00", "2011-12-31 00:00 UTC+14"),
        ("Pacific/Apia", "2011-12-30 09:59:00", "2011-12-29 23:59 UTC-10"),
        ("UTC", "2025-06-11 00:00:00", "2025-06-11 00:00 UTC"),
    ])
    func theAuditTrailWritesTheWallTimeWithItsOffset(zone: String, at: String, expected: String) {
        #expect(boundary(zone, "00:00").wallClock(at: utc(at)) == expected)
    }

    /// Every five minutes across each transition, the day never goes back and moves on exactly
    /// at the instants `next(after:)` gives: each reset runs once.
    @Test(arguments: [
        ("America/New_York", "02:30", "2025-03-07"), ("America/New_York", "01:30", "2025-10-31"),
        ("America/New_York", "00:00", "2025-11-01"), ("Australia/Lord_Howe", "02:15", "2025-10-03"),
        ("Australia/Lord_Howe", "01:45", "2025-04-04"), ("Asia/Kathmandu", "00:00", "2025-06-01"),
        ("Pacific/Apia", "00:00", "2011-12-27"), ("Pacific/Apia", "12:00", "2011-12-27"),
        ("America/Santiago", "00:00", "2025-09-05"), ("America/Santiago", "23:30", "2025-04-04"),
        ("America/Havana", "00:00", "2025-03-07"), ("America/Havana", "00:30", "2025-10-31"),
        ("Europe/Berlin", "02:30", "2026-03-27"), ("Europe/Berlin", "02:30", "2026-10-23"),
    ])
    func eachDayBeginsOnce(zone: String, reset: String, from: String) {
        let rule = boundary(zone, reset)
        var at = rule.start(of: day(from))
        var expectedDay = rule.day(at: at)
        var nextStart = rule.next(after: at)
        var changes = 0
        let end = at.addingTimeInterval(5 * 86_400)
        while at < end {
            at = at.addingTimeInterval(300)
            let today = rule.day(at: at)
            if at >= nextStart {
                #expect(today > expectedDay, "\(zone) \(reset): \(at) should be past \(expectedDay)")
                #expect(rule.start(of: today) == nextStart || rule.start(of: today) < at)
                expectedDay = today
                nextStart = rule.next(after: nextStart)
                changes += 1
            } else {
                #expect(today == expectedDay, "\(zone) \(reset): \(at) went from \(expectedDay) to \(today)")
            }
        }
        #expect((4...5).contains(changes))
    }
}
