/// What one page of a board shows, as read from Redis in one step (or, while Redis is catching
/// up, the top of the board from PostgreSQL: `fromDatabase`).
struct LeaderboardSnapshot: Sendable {
    /// The viewer's place and the people just above and below them.
    struct Viewer: Sendable {
        /// The viewer's 0-based position on the board (which page holds them).
        let index: Int
        let entry: LeaderboardEntry
        let around: [LeaderboardEntry]
    }

    /// Last week's final standings: the top of the board and the viewer's line on it.
    struct LastWeek: Sendable {
        let total: Int
        let top: [LeaderboardEntry]
        let viewer: LeaderboardEntry?
    }

    let total: Int
    let entries: [LeaderboardEntry]
    let viewer: Viewer?
    let lastWeek: LastWeek?
    let fromDatabase: Bool
}
