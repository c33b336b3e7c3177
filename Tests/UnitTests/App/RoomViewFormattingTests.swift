import Foundation
import Testing

@testable import App

@Suite("Room view formatting")
struct RoomViewFormattingTests {
    @Test func clockRoundsUpLikeTheCountdown() {
        #expect(RoomViews.clock(1_500_000) == "25:00")
        #expect(RoomViews.clock(1_499_001) == "25:00")
        #expect(RoomViews.clock(1_499_000) == "24:59")
        #expect(RoomViews.clock(0) == "00:00")
        #expect(RoomViews.clock(3_900_000) == "1:05:00")
    }

    @Test func utcTimesMatchFoundationAcrossCenturiesAndLeapDays() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var state: UInt64 = 7
        let samples: [Int] =
            [0, 951_782_400_000, 1_709_164_800_000, 4_107_542_399_000]
            + (0..<500).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int(state >> 24) % 4_102_444_800_000
            }
        for ms in samples {
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(ms / 1000)))
            #expect(RoomViews.utcTime(ms).iso == expected)
            #expect(RoomViews.utcTime(ms).text == String(expected.dropFirst(11).dropLast()) + " UTC")
        }
    }
}
