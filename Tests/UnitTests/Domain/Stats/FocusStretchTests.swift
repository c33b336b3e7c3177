import Foundation
import Testing

@testable import Domain

@Suite("Focus stretches")
struct FocusStretchTests {
    let tokyo = DayBoundary(zoneName: "Asia/Tokyo")!

    @Test func aStretchAcrossMidnightIsSplitBetweenTheTwoDays() {
        let end = instant("2026-12-03 00:10:00", "Asia/Tokyo")
        let pieces = FocusStretch(end: end, seconds: 1500).pieces(boundary: tokyo, creditedUntil: nil, notBefore: nil)
        #expect(pieces.map(\.day) == [day("2026-12-02"), day("2026-12-03")])
        #expect(pieces.map(\.seconds) == [900, 600])
        #expect(pieces.map(\.isLast) == [false, true])
        #expect(pieces.last?.end == end)
    }

    @Test func aStretchEndingMidSecondKeepsEverySecondAcrossMidnight() {
        // The sweeper's clock is never on a whole second: the pieces still add up to the stretch.
        let end = instant("2026-12-03 00:10:00", "Asia/Tokyo").addingTimeInterval(0.4)
        let pieces = FocusStretch(end: end, seconds: 1500).pieces(boundary: tokyo, creditedUntil: nil, notBefore: nil)
        #expect(pieces.map(\.seconds).reduce(0, +) == 1500)
        #expect(pieces.map(\.seconds) == [900, 600])
    }

    @Test func nothingIsCreditedTwiceForTheSameMoment() {
        let end = instant("2026-12-02 10:25:00", "Asia/Tokyo")
        let stretch = FocusStretch(end: end, seconds: 1500)
        let overlapping = stretch.pieces(boundary: tokyo, creditedUntil: end.addingTimeInterval(-600), notBefore: nil)
        #expect(overlapping.map(\.seconds) == [600])
        #expect(stretch.pieces(boundary: tokyo, creditedUntil: end, notBefore: nil).isEmpty)
        #expect(stretch.pieces(boundary: tokyo, creditedUntil: end.addingTimeInterval(-0.5), notBefore: nil).isEmpty)
    }

    @Test func aDayNeverGoesBack() {
        // Credited on Tokyo's 6 December, then in Los Angeles where it is still the 5th.
        let la = DayBoundary(zoneName: "America/Los_Angeles")!
        let end = instant("2026-12-05 17:00:00", "America/Los_Angeles")
        let pieces = FocusStretch(end: end, seconds: 1500).pieces(boundary: la, creditedUntil: nil, notBefore: day("2026-12-06"))
        #expect(pieces.map(\.day) == [day("2026-12-06")])
    }

    @Test func aStretchOverAFallBackNightLandsOnItsDays() {
        let berlin = DayBoundary(zoneName: "Europe/Berlin")!
        let end = instant("2026-10-26 00:30:00", "Europe/Berlin")
        let pieces = FocusStretch(end: end, seconds: 3600).pieces(boundary: berlin, creditedUntil: nil, notBefore: nil)
        #expect(pieces.map(\.day) == [day("2026-10-25"), day("2026-10-26")])
        #expect(pieces.map(\.seconds) == [1800, 1800])
    }
}
