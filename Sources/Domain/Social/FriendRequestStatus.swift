/// Where a friend request stands (`friend_requests.status`).
public enum FriendRequestStatus: String, Sendable, CaseIterable {
    case pending
    case accepted
    case declined
    case cancelled

    /// From the database; anything unknown counts as decided and gone.
    public init(stored: String) { self = FriendRequestStatus(rawValue: stored) ?? .cancelled }
}
