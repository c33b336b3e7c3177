/// Why a room said no to something a person tried. The room stores and the room-role gate throw
/// it; the person sees `message` on the room page. Its HTTP status is decided in one place,
/// App/Core/ErrorMapping.swift, so nothing below the handlers knows about HTTP.
public enum RoomRefusal: Error, Equatable, Sendable {
    /// No open room has this code (never existed, or expired).
    case noSuchRoom
    /// The moderators closed the room, for this reason (issue 17).
    case closed(String)
    /// The host removed this browser or account from the room.
    case removed
    /// Only people who joined may do this.
    case notJoined
    /// Only the host may do this.
    case hostOnly
    /// Only the host or a DJ may do this (the soundtrack's controls).
    case djOnly
    /// The input breaks a room rule.
    case invalid(String)
    /// What the form names is not there any more.
    case gone(String)
    /// The room moved on since the page was drawn.
    case stale(String)
    /// Too much, too fast: try again after `retryAfter` seconds.
    case tooFast(String, retryAfter: Int)

    public var message: String {
        switch self {
        case .noSuchRoom:
            return "There is no open room with this code. Rooms close 72 hours after they are created."
        case .closed(let reason):
            return "The moderators closed this room. Their reason: “\(reason)”"
        case .removed:
            return
                "The host removed you from this room, so you cannot see it or join it again with this browser or account. It closes by itself 72 hours after it was opened."
        case .notJoined:
            return "Join the room first."
        case .hostOnly:
            return "Only the host can do that. Ask the host, or send a proposal."
        case .djOnly:
            return "Only the host or a DJ can do that. Ask the host to make you a DJ, or propose a track."
        case .invalid(let m), .gone(let m), .stale(let m), .tooFast(let m, _):
            return m
        }
    }
}
