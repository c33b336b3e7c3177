/// What a notification is about (`notifications.kind`). Each kind has its own wording; the
/// stored subject (a room code, a request id) is only ever shown through it.
public enum NotificationKind: String, Sendable, CaseIterable {
    case friendRequest = "friend_request"
    case friendAccepted = "friend_accepted"
    case directMessage = "direct_message"
    case roomInvite = "room_invite"
    case achievement

    /// From the database; nil for a kind this build does not know (it is not shown).
    public init?(stored: String) { self.init(rawValue: stored) }
}
