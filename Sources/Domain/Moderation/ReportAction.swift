/// What an admin does when resolving a report: any of the moderation actions that fit what was
/// reported (`available(for:)`), or nothing beyond marking it resolved. Dismissing is separate.
public enum ReportAction: String, Sendable, CaseIterable {
    /// Resolved; nothing else to change.
    case none
    /// Removes what was reported: the chat message, the direct message, the task; a profile's
    /// bio and picture are cleared; a reported room is closed.
    case removeContent = "remove_content"
    /// Mutes the author in the room (their messages are then seen by them alone).
    case mute
    /// Removes the author from the room (they cannot rejoin it).
    case removeFromRoom = "remove_from_room"
    /// Closes the room, with the note as the reason everyone sees.
    case closeRoom = "close_room"
    /// Suspends the author's account for the chosen length.
    case suspend
    /// Bans the author's account.
    case ban
    /// Ends every signed-in session of the author's account.
    case endSessions = "end_sessions"

    public var label: String {
        switch self {
        case .none: return "Resolve without further action"
        case .removeContent: return "Remove the reported content"
        case .mute: return "Mute the author in the room"
        case .removeFromRoom: return "Remove the author from the room"
        case .closeRoom: return "Close the room"
        case .suspend: return "Suspend the author's account"
        case .ban: return "Ban the author's account"
        case .endSessions: return "End the author's sessions"
        }
    }

    /// The actions that make sense for this subject; `hasAccount`: the author has an account
    /// (a guest's words in a room can be removed, not suspended).
    public static func available(for subject: ReportSubject, hasAccount: Bool, hasSeat: Bool) -> [ReportAction] {
        var actions: [ReportAction] = [.none, .removeContent]
        if (subject == .chatMessage || subject == .roomTask) && hasSeat { actions += [.mute, .removeFromRoom] }
        if subject == .chatMessage || subject == .roomTask { actions.append(.closeRoom) }
        if hasAccount { actions += [.suspend, .ban, .endSessions] }
        return actions
    }
}
