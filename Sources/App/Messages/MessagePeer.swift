import Domain

/// The other person of a conversation, as the viewer may see them, and whether the viewer may
/// write to them now.
struct MessagePeer: Sendable {
    let id: String
    let username: String
    let displayName: String
    let policy: MessagePolicy
    let areFriends: Bool
    /// One blocked the other (whichever).
    let blocked: Bool
    /// The conversation, once either wrote; and how far the viewer has read it.
    let conversationID: Int?
    let lastReadID: Int
    /// Until when the viewer is muted from direct messages (seconds since 1970), if they are.
    let viewerMutedUntil: Double?

    /// Why the viewer may not write, or nil.
    func refusal(viewerID: String) -> MessageRefusal? {
        if id == viewerID { return .invalid("That is you: you cannot send a message to yourself.") }
        if blocked { return .notAllowed("You cannot send messages to @\(username).") }
        if !policy.admits(areFriends: areFriends) {
            return .notAllowed("@\(username) accepts messages from friends only.")
        }
        return nil
    }
}
