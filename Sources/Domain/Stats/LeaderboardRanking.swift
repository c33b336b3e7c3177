/// Places on a board by standard competition ranking ("1224"): people with the same score share
/// a place and the next score's place counts everyone above it. On a board of day streaks many
/// people tie, and numbering them 1, 2, 3 would rank them by nothing.
public enum LeaderboardRanking {
    /// The places of consecutive entries of a board, sorted by score from high to low, the first
    /// of which sits at 0-based position `offset` with `above` people scoring strictly more.
    public static func places(scores: [Int], offset: Int, above: Int) -> [Int] {
        var places: [Int] = []
        places.reserveCapacity(scores.count)
        for (i, score) in scores.enumerated() {
            if i == 0 {
                places.append(above + 1)
            } else if score == scores[i - 1] {
                places.append(places[i - 1])
            } else {
                places.append(offset + i + 1)
            }
        }
        return places
    }
}
