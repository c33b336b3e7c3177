import Foundation
import Testing

@testable import App

@Suite("Message times")
struct MessageClockTests {
    @Test func isoInUTC() {
        let clock = MessageViews.Clock(timezone: "Europe/Paris")
        #expect(clock.iso(0) == "1970-01-01T00:00:00Z")
        #expect(clock.iso(951_782_400 + 3_723.9) == "2000-02-29T01:02:03Z")
        #expect(clock.iso(-1) == "1969-12-31T23:59:59Z")
    }

    @Test func shortInTheViewersZoneAcrossDaylightSaving() {
        let paris = MessageViews.Clock(timezone: "Europe/Paris")
        #expect(paris.short(1_782_993_600) == "2 Jul, 14:00")  // 12:00 UTC, summer time
        #expect(paris.short(1_796_212_800) == "2 Dec, 13:00")  // 12:00 UTC, winter time
        #expect(MessageViews.Clock(timezone: nil).short(1_796_212_800) == "2 Dec, 12:00")
        #expect(MessageViews.Clock(timezone: "Not/AZone").short(1_796_212_800) == "2 Dec, 12:00")
    }

    @Test func agreesWithFoundationOverCenturies() {
        let formatter = ISO8601DateFormatter()
        for epoch in stride(from: -5_000_000_000, to: 5_000_000_000, by: 86_400 * 97 + 3_601) {
            #expect(MessageViews.Clock(timezone: nil).iso(Double(epoch)) == formatter.string(from: Date(timeIntervalSince1970: Double(epoch))))
        }
    }
}
