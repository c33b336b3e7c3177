/// Who may send someone a direct message (`users.message_policy`). Blocked people never can.
public enum MessagePolicy: String, Sendable, CaseIterable {
    /// The default: friends only.
    case friends
    /// Anyone signed in.
    case anyone

    /// From the database; anything unknown is the narrower choice.
    public init(stored: String) { self = MessagePolicy(rawValue: stored) ?? .friends }

    /// Whether a sender may write, given whether the two are friends (blocks are checked apart).
    public func admits(areFriends: Bool) -> Bool { areFriends || self == .anyone }
}
