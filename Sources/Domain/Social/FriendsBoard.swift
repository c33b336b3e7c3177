/// A board among friends: the viewer's and their friends' scores on one of the boards, read
/// together (ZMSCORE), ranked here as the whole board would rank them.
public enum FriendsBoard {
    /// Those with a score, highest first (equal scores by id, highest first, as Redis orders
    /// them), each with its place among them (equal scores share one, `LeaderboardRanking`).
    public static func ranked(_ scored: [(id: String, score: Int)]) -> [(id: String, score: Int, place: Int)] {
        let sorted = scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id > $1.id }
        let places = LeaderboardRanking.places(scores: sorted.map(\.score), offset: 0, above: 0)
        return zip(sorted, places).map { ($0.id, $0.score, $1) }
    }
}
