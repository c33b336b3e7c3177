import Testing

@testable import Domain

@Suite("Leaderboard places (competition ranking)")
struct LeaderboardRankingTests {
    @Test(
        arguments: [
            ([], 0, 0, []),
            ([900, 600, 600, 300], 0, 0, [1, 2, 2, 4]),
            ([5, 5, 5], 0, 0, [1, 1, 1]),
            // A page that starts inside a tie from the page before: its first entries share the place.
            ([7, 7, 6], 50, 48, [49, 49, 53]),
            ([7, 6, 6, 1], 50, 50, [51, 52, 52, 54]),
        ] as [([Int], Int, Int, [Int])])
    func places(_ scores: [Int], _ offset: Int, _ above: Int, _ expected: [Int]) {
        #expect(LeaderboardRanking.places(scores: scores, offset: offset, above: above) == expected)
    }
}
