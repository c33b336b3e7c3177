/// Why a friendship action was refused. `FriendStore` throws it; its HTTP status is decided in
/// App/Core/ErrorMapping.swift, and the person sees `message` on the friends page.
public enum FriendRefusal: Error, Equatable, Sendable {
    /// Asking oneself.
    case yourself
    /// No proven account has this name (or the room seat named has none).
    case noSuchPerson
    /// One of the two blocked the other.
    case blocked
    /// The viewer blocked this person: unblock first.
    case youBlocked
    case alreadyFriends
    /// A request from the viewer to this person is already waiting.
    case alreadyRequested
    /// `FriendLimits.perDay` requests in the last 24 hours; the oldest of them leaves the window
    /// after `retryAfter` seconds.
    case tooManyToday(retryAfter: Int)
    /// `FriendLimits.pendingMax` requests are waiting for an answer.
    case tooManyPending
    /// This person declined the viewer's request less than `FriendLimits.declinedPause` ago.
    case declinedRecently(retryAfter: Int)
    /// No waiting request with this id that the viewer may act on (others' ids look the same).
    case noSuchRequest
    case notFriends
    case notBlocked
    /// The participant named is not in a room the viewer has a seat in.
    case noSharedRoom
    /// The participant named joined without an account.
    case guestParticipant

    public var message: String {
        switch self {
        case .yourself: return "That is you: you cannot send yourself a friend request."
        case .noSuchPerson: return "There is no one with this username."
        case .blocked: return "This person is not available."
        case .youBlocked: return "You blocked this person. Unblock them first if you want to be friends."
        case .alreadyFriends: return "You are already friends."
        case .alreadyRequested: return "You already sent this person a request. It waits for their answer."
        case .tooManyToday(let wait):
            return
                "You have sent \(FriendLimits.perDay) friend requests in the last 24 hours. You can send another in \(FriendLimits.words(seconds: wait))."
        case .tooManyPending:
            return "You have \(FriendLimits.pendingMax) requests waiting for an answer. Cancel some, or wait for answers, before sending more."
        case .declinedRecently(let wait):
            return
                "This person declined your request less than \(FriendLimits.declinedPauseDays) days ago. You can ask again in \(FriendLimits.words(seconds: wait))."
        case .noSuchRequest: return "There is no such request waiting for you."
        case .notFriends: return "You are not friends with this person."
        case .notBlocked: return "You have not blocked this person."
        case .noSharedRoom: return "That person is not in a room with you."
        case .guestParticipant: return "That person joined as a guest: only people with an account can be friends."
        }
    }

    /// Seconds to wait before trying again, for limits.
    public var retryAfter: Int? {
        switch self {
        case .tooManyToday(let wait), .declinedRecently(let wait): return wait
        case .tooManyPending: return FriendLimits.pendingRetryAfter
        default: return nil
        }
    }
}
