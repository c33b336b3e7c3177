/// What a report is about (`reports.subject`).
public enum ReportSubject: String, Sendable, CaseIterable {
    /// A message in a room's chat.
    case chatMessage = "chat_message"
    /// A direct message the reporter received.
    case directMessage = "direct_message"
    /// An account's public profile: its display name, bio or picture.
    case profile
    /// A room itself (rooms carry no name of their own: its code and the names and words in it).
    case room
    /// A public task in a room's task list.
    case roomTask = "room_task"

    public var label: String {
        switch self {
        case .chatMessage: return "Chat message"
        case .directMessage: return "Direct message"
        case .profile: return "Profile"
        case .room: return "Room"
        case .roomTask: return "Room task"
        }
    }

    /// Whether the thing lives in a room (so room actions apply).
    public var inRoom: Bool { self == .chatMessage || self == .roomTask || self == .room }
}
