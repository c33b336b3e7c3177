/// What an admin did, as the audit log records it (`admin_audit.action`). Every admin route that
/// changes something appends one line with one of these.
public enum AuditAction: String, Sendable, CaseIterable {
    case roleChange = "role_change"
    case suspend
    case ban
    case lift
    case endSessions = "end_sessions"
    case deleteAccount = "delete_account"
    case leaderboardHide = "leaderboard_hide"
    case leaderboardUnhide = "leaderboard_unhide"
    case libraryUpload = "library_upload"
    case libraryDelete = "library_delete"
    case reportResolve = "report_resolve"
    case reportDismiss = "report_dismiss"
    case roomClose = "room_close"
    case messageRemove = "message_remove"
    case participantMute = "participant_mute"
    case participantUnmute = "participant_unmute"
    case participantRemove = "participant_remove"
    case contentRemove = "content_remove"

    /// Words for the log page and its filter.
    public var label: String {
        switch self {
        case .roleChange: return "Role changed"
        case .suspend: return "Suspended"
        case .ban: return "Banned"
        case .lift: return "Suspension or ban lifted"
        case .endSessions: return "Sessions ended"
        case .deleteAccount: return "Account deleted"
        case .leaderboardHide: return "Hidden from the leaderboards"
        case .leaderboardUnhide: return "Back on the leaderboards"
        case .libraryUpload: return "Library track added"
        case .libraryDelete: return "Library track deleted"
        case .reportResolve: return "Report resolved"
        case .reportDismiss: return "Report dismissed"
        case .roomClose: return "Room closed"
        case .messageRemove: return "Chat message removed"
        case .participantMute: return "Participant muted"
        case .participantUnmute: return "Participant unmuted"
        case .participantRemove: return "Participant removed"
        case .contentRemove: return "Reported content removed"
        }
    }
}
