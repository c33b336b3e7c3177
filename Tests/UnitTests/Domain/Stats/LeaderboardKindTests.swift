import Testing

@testable import Domain

@Suite("Leaderboard kinds")
struct LeaderboardKindTests {
    @Test(arguments: [
        (LeaderboardKind.weekly, 0, "0 min"), (.weekly, 59, "0 min"), (.weekly, 60, "1 min"), (.monthly, 3_540, "59 min"),
        (.alltime, 3_600, "1 h 00 min"), (.alltime, 3_900, "1 h 05 min"), (.alltime, 10_000 * 3_600 + 660, "10000 h 11 min"),
        (.consistency, 1, "1 day"), (.consistency, 12, "12 days"),
    ])
    func scoresRead(_ kind: LeaderboardKind, _ score: Int, _ text: String) {
        #expect(kind.formatted(score: score) == text)
    }

    @Test(arguments: ["weekly", "monthly", "alltime", "consistency"])
    func storedNamesRoundTrip(_ name: String) {
        #expect(LeaderboardKind(stored: name)?.rawValue == name)
    }

    @Test(arguments: ["", "Weekly", "all-time", "weekly ", "friends", "weekly'--", "<script>"])
    func unknownNamesAreRefused(_ name: String) {
        #expect(LeaderboardKind(stored: name) == nil)
    }
}
