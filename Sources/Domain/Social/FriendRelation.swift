/// What one person is to another, as the profile's buttons show it.
public enum FriendRelation: Equatable, Sendable {
    case none
    /// The viewer asked; request `id` waits (the viewer may cancel).
    case requestSent(id: Int)
    /// They asked; request `id` waits for the viewer (accept or decline).
    case requestReceived(id: Int)
    case friends
    /// The viewer blocked them (the profile is not available; the viewer may unblock).
    case youBlocked
    /// They blocked the viewer (the profile is not available, and nothing can be done).
    case blockedYou

    /// From the facts one statement reads; a block outranks everything (it removed the rest).
    public init(friends: Bool, sentID: Int?, receivedID: Int?, youBlocked: Bool, blockedYou: Bool) {
        if youBlocked {
            self = .youBlocked
        } else if blockedYou {
            self = .blockedYou
        } else if friends {
            self = .friends
        } else if let sentID {
            self = .requestSent(id: sentID)
        } else if let receivedID {
            self = .requestReceived(id: receivedID)
        } else {
            self = .none
        }
    }

    /// Whether the two are hidden from each other.
    public var isBlocked: Bool { self == .youBlocked || self == .blockedYou }
}
