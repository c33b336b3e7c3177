/// What a notice says and where opening it leads, by its kind. The stored subject (a room code,
/// an achievement's name) only ever reaches a page through these words and links, so a subject
/// that is not what its kind expects is dropped rather than shown.
public struct NotificationWording: Sendable, Equatable {
    public let text: String
    /// A path on this site.
    public let target: String

    public init(text: String, target: String) {
        self.text = text
        self.target = target
    }

    /// The wording of one notice. `actorUsername`/`actorName`: who did it, read from the users
    /// table when the page is drawn (nil when the kind has no actor). `owner`: the username of
    /// the person reading. nil when the notice cannot be worded (an unknown achievement, a
    /// subject that is not a room code, a missing actor): it is not shown.
    public static func of(
        kind: NotificationKind, actorUsername: String?, actorName: String?, subject: String, count: Int, owner: String
    ) -> NotificationWording? {
        let who = actorName ?? actorUsername
        switch kind {
        case .friendRequest:
            guard let who else { return nil }
            return NotificationWording(text: "\(who) sent you a friend request", target: "/friends")
        case .friendAccepted:
            guard let who, let username = actorUsername else { return nil }
            return NotificationWording(text: "\(who) accepted your friend request", target: "/u/\(username)")
        case .directMessage:
            guard let who, let username = actorUsername else { return nil }
            let n = max(1, count)
            return NotificationWording(text: "\(n) new \(n == 1 ? "message" : "messages") from \(who)", target: "/messages/\(username)")
        case .roomInvite:
            guard let who, let code = RoomCode(parsing: subject) else { return nil }
            return NotificationWording(text: "\(who) invited you to room \(code.display)", target: "/r/\(code.display)")
        case .achievement:
            guard let achievement = Achievement(stored: subject) else { return nil }
            return NotificationWording(text: "You earned “\(achievement.title)”", target: "/u/\(owner)")
        }
    }

    /// An unread count as the header shows it: nothing at zero, "99+" past 99 (the reads stop
    /// counting at 100, so a big backlog costs no more than a small one).
    public static func badge(_ count: Int) -> String {
        count <= 0 ? "" : count > 99 ? "99+" : String(count)
    }
}
