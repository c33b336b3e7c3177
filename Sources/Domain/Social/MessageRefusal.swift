import Foundation

/// Why a direct message, a conversation or a report was refused. Stores and handlers throw it;
/// `ErrorMapping` gives each case its status.
public enum MessageRefusal: Error, Sendable, Equatable {
    /// Nobody by that name (or a deleted or unconfirmed account), or a message that is not in
    /// this person's conversation: 404, exactly like a missing page.
    case notFound
    /// Writing to yourself, empty, too long, bad characters, a bad report reason: 422.
    case invalid(String)
    /// Their policy is friends only and you are not friends, or one blocked the other: 403.
    case notAllowed(String)
    /// Over 30 messages a minute: 429.
    case tooFast(retryAfter: Int)
    /// Muted from direct messages after a burst, until `until` (seconds since 1970): 429.
    case muted(until: Double, retryAfter: Int)

    public var message: String {
        switch self {
        case .notFound: return "There is no such conversation or message."
        case .invalid(let text), .notAllowed(let text): return text
        case .tooFast(let wait):
            return "You are sending messages too fast (at most \(MessagePace.perMinute) a minute). Please wait \(wait) seconds."
        case .muted(let until, _):
            return "You sent many messages within a few seconds, so you cannot send direct messages until "
                + MessagePace.clock(until) + " UTC."
        }
    }

    /// Seconds to wait, for `Retry-After`.
    public var retryAfter: Int? {
        switch self {
        case .tooFast(let wait), .muted(_, let wait): return wait
        case .notFound, .invalid, .notAllowed: return nil
        }
    }
}
