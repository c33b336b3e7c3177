import Foundation
import Testing

@testable import Domain

@Suite("Streaks")
struct StreakTests {
    @Test func consecutiveDaysGrowTheStreakAndAMissedDayBreaksIt() {
        let three = tally(days("2026-12-01", count: 3))
        #expect(three.streakCurrent == 3 && three.streakBest == 3)
        let broken = tally(days("2026-12-01", count: 3) + days("2026-12-05", count: 1))
        #expect(broken.streakCurrent == 1 && broken.streakBest == 3)
        #expect(broken.sessions == 4 && broken.totalSeconds == 4 * 1500)
    }

    @Test func twoCreditsOnOneDayAreOneDayOfStreakAndSumForTheBestDay() {
        let t = tally([("2026-12-01 09:00:00", "UTC"), ("2026-12-01 15:00:00", "UTC"), ("2026-12-02 09:00:00", "UTC")])
        #expect(t.streakCurrent == 2)
        #expect(t.bestDay == day("2026-12-01") && t.bestDaySeconds == 3000)
    }

    @Test func aSevenDayStreakEarnsAFreezeThatCoversAMissedDayWithoutCountingIt() {
        let seven = tally(days("2026-12-01", count: 7))
        #expect(seven.freezesBanked == 1)
        // 8 December is missed; the freeze covers it and the streak goes on at 8, not 9.
        let covered = tally(days("2026-12-01", count: 7) + days("2026-12-09", count: 1))
        #expect(covered.streakCurrent == 8)
        #expect(covered.freezesBanked == 0 && covered.freezesSpent == 1)
        // Two missed days with one freeze: broken.
        let broken = tally(days("2026-12-01", count: 7) + days("2026-12-10", count: 1))
        #expect(broken.streakCurrent == 1 && broken.freezesBanked == 1)
    }

    @Test func atMostTwoFreezesAreBanked() {
        #expect(tally(days("2026-01-01", count: 28)).freezesBanked == FocusTally.maxFreezes)
    }

    @Test func theStandingShowsFreezesCoveringMissedDaysAndThenTheBreak() {
        let t = tally(days("2026-12-01", count: 7))
        let berlin = "Europe/Berlin"
        #expect(t.streak(at: instant("2026-12-08 20:00:00", berlin), zone: berlin) == .init(current: 7, freezesBanked: 1, freezesCovering: 0))
        #expect(t.streak(at: instant("2026-12-09 20:00:00", berlin), zone: berlin) == .init(current: 7, freezesBanked: 0, freezesCovering: 1))
        #expect(t.streak(at: instant("2026-12-10 20:00:00", berlin), zone: berlin).current == 0)
        #expect(t.streakAliveUntil == instant("2026-12-10 00:00:00", berlin))
    }

    @Test func flyingTokyoToLosAngelesAndBackNeitherRollsADayTwiceNorLosesTheStreak() {
        let tokyo = "Asia/Tokyo"
        let la = "America/Los_Angeles"
        var trip: [(wall: String, zone: String)] = [
            ("2026-12-04 09:00:00", tokyo),
            ("2026-12-05 09:00:00", tokyo),
            // Just past Tokyo's midnight: the 6th. Then the flight lands on LA's 5th, a few hours later.
            ("2026-12-06 00:40:00", tokyo),
            ("2026-12-05 19:00:00", la),
        ]
        let landed = tally(trip)
        #expect(landed.lastDay == day("2026-12-06"), "the day did not go back to the 5th")
        #expect(landed.streakCurrent == 3, "the 6th was not counted twice")
        trip += [("2026-12-06 22:00:00", la), ("2026-12-07 09:00:00", la), ("2026-12-10 23:00:00", la)]
        let stayed = tally(trip)
        #expect(stayed.streakCurrent == 1, "the 8th and 9th were really missed in Los Angeles")
        // Flying back east: leave LA late on the 10th, land in Tokyo on the 12th. The 11th never
        // happened for this traveller, so nothing was missed.
        trip += [("2026-12-12 08:00:00", tokyo)]
        let home = tally(trip)
        #expect(home.streakCurrent == 2)
        #expect(home.freezesSpent == 0)
    }
}
