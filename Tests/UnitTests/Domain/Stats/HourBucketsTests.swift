import Foundation
import Testing

@testable import Domain

@Suite("Hour buckets")
struct HourBucketsTests {
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    /// An instant given in UTC, "2026-03-29 00:30".
    static func utc(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    /// The non-empty cells as "weekday hour: minutes".
    static func cells(_ buckets: HourBuckets) -> [String] {
        (1...7).flatMap { day in
            (0..<24).compactMap { hour in
                buckets.minutes(weekday: day, hour: hour) == 0 ? nil : "\(day) \(hour): \(buckets.minutes(weekday: day, hour: hour))"
            }
        }
    }

    static func spread(_ from: String, _ to: String, seconds: Int? = nil, zone: String) -> [String] {
        var buckets = HourBuckets()
        let (start, end) = (utc(from), utc(to))
        buckets.add(from: start, to: end, seconds: seconds ?? Int(end.timeIntervalSince(start)), zone: TimeZone(identifier: zone)!)
        return cells(buckets)
    }

    @Test(
        arguments: [
            // Within one hour: all of it there (Wednesday 2 December 2026, 10:00 in Berlin).
            ("2026-12-02 09:00", "2026-12-02 09:25", nil, "Europe/Berlin", ["3 10: 25"]),
            // Across local midnight: Wednesday 23:30 to Thursday 00:30 is half on each day.
            ("2026-12-02 22:30", "2026-12-02 23:30", nil, "Europe/Berlin", ["3 23: 30", "4 0: 30"]),
            // Spring forward (Sunday 29 March 2026, 02:00 CET becomes 03:00 CEST): one real hour from
            // 01:30 to 03:30 local, nothing in the hour the clock skips.
            ("2026-03-29 00:30", "2026-03-29 01:30", nil, "Europe/Berlin", ["7 1: 30", "7 3: 30"]),
            // Fall back (Sunday 25 October 2026, 03:00 CEST becomes 02:00 CET): 02:30 CEST to 03:30 CET
            // is two real hours, and the hour lived twice gets both of its turns (90 minutes).
            ("2026-10-25 00:30", "2026-10-25 02:30", nil, "Europe/Berlin", ["7 2: 90", "7 3: 30"]),
            // A zone half an hour off the UTC grid: hours turn at :30 UTC (India, UTC+5:30).
            ("2026-12-02 04:00", "2026-12-02 05:00", nil, "Asia/Kolkata", ["3 9: 30", "3 10: 30"]),
            // Fewer seconds credited than the time between start and end: shared out evenly.
            ("2026-12-02 09:30", "2026-12-02 10:30", 1800, "Europe/Berlin", ["3 10: 15", "3 11: 15"]),
            // The same instants in another zone land on another day and hour (Los Angeles, UTC-8).
            ("2026-12-02 07:30", "2026-12-02 08:30", nil, "America/Los_Angeles", ["2 23: 30", "3 0: 30"]),
        ] as [(String, String, Int?, String, [String])])
    func spreadsOverLocalHours(from: String, to: String, seconds: Int?, zone: String, expected: [String]) {
        #expect(Self.spread(from, to, seconds: seconds, zone: zone) == expected)
    }

    @Test func aDayOfStretchesAddsUpInEachStretchsOwnZone() {
        var buckets = HourBuckets()
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        // 09:00 in Tokyo, then the same person in Berlin at 09:00 local, a day later.
        buckets.add(from: Self.utc("2026-12-02 00:00"), to: Self.utc("2026-12-02 00:50"), seconds: 3000, zone: tokyo)
        buckets.add(from: Self.utc("2026-12-03 08:00"), to: Self.utc("2026-12-03 08:20"), seconds: 1200, zone: Self.berlin)
        #expect(Self.cells(buckets) == ["3 9: 50", "4 9: 20"])
        #expect(buckets.busiestMinutes == 50)
    }

    @Test func nothingForAnEmptyOrBackwardStretch() {
        var buckets = HourBuckets()
        buckets.add(from: Self.utc("2026-12-02 10:00"), to: Self.utc("2026-12-02 10:00"), seconds: 60, zone: Self.berlin)
        buckets.add(from: Self.utc("2026-12-02 10:00"), to: Self.utc("2026-12-02 09:00"), seconds: 60, zone: Self.berlin)
        buckets.add(from: Self.utc("2026-12-02 09:00"), to: Self.utc("2026-12-02 10:00"), seconds: 0, zone: Self.berlin)
        #expect(Self.cells(buckets).isEmpty)
        #expect(buckets.busiestMinutes == 0)
    }

    @Test func aLongStretchAcrossBothDSTChangesKeepsEverySecond() {
        var buckets = HourBuckets()
        let start = Self.utc("2026-03-01 00:00")
        let end = Self.utc("2026-11-01 00:00")
        let seconds = Int(end.timeIntervalSince(start))
        buckets.add(from: start, to: end, seconds: seconds, zone: Self.berlin)
        let total = buckets.seconds.joined().reduce(0, +)
        #expect(abs(total - Double(seconds)) < 0.001)
    }
}
