/// What a friend is doing, as their friends see it. Derived from what rooms already know (a
/// seat seen in the last minute, the room's timer), never written per poll.
public enum FriendPresence: Sendable, Equatable {
    /// In a room whose focus segment runs; `minutesLeft` rounded up.
    case focusing(roomCode: String, minutesLeft: Int)
    /// In a room on a break (or a paused or idle timer).
    case onBreak(roomCode: String)
    /// Signed in and seen lately, not in a room.
    case online
    /// In a room, but not seen for over a minute.
    case away
    case offline

    /// The words a friend list shows.
    public var words: String {
        switch self {
        case .focusing(let code, let minutes): return "Focusing in room \(code) (\(minutes) min left)"
        case .onBreak: return "On a break"
        case .online: return "Online"
        case .away: return "Away"
        case .offline: return "Offline"
        }
    }

    /// The room a friend may follow them into, when there is one.
    public var roomCode: String? {
        switch self {
        case .focusing(let code, _), .onBreak(let code): return code
        case .online, .away, .offline: return nil
        }
    }

    /// A short stable name for markup and JSON (`data-presence`).
    public var name: String {
        switch self {
        case .focusing: return "focusing"
        case .onBreak: return "break"
        case .online: return "online"
        case .away: return "away"
        case .offline: return "offline"
        }
    }
}
