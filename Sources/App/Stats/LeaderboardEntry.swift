/// One person's line on a board: who, their score (seconds of focus, or days of streak) and
/// their place (equal scores share one).
struct LeaderboardEntry: Sendable, Equatable {
    let userID: String
    let score: Int
    let place: Int
}
