/// How a favorite room is doing now, in the words `/me` shows: read from the room's timer and
/// who was seen in the last minute.
public enum FavoriteRoomStatus: Sendable, Equatable {
    /// A focus segment runs; minutes left rounded up.
    case focusing(minutesLeft: Int)
    /// A break (short, long or custom) runs.
    case onBreak(minutesLeft: Int)
    case paused
    /// Not started, or the queue has run out.
    case idle
    case finished
    /// Past its lifetime: it can be started again.
    case expired

    /// From what the room row says; `segmentKind` is the current segment's kind (nil when the
    /// queue has none there).
    public init(live: Bool, status: RoomStatus, segmentKind: SegmentKind?, msLeft: Double?) {
        guard live else {
            self = .expired
            return
        }
        let minutes = max(1, Int(((msLeft ?? 0) / 60_000).rounded(.up)))
        switch status {
        case .running: self = segmentKind == .focus ? .focusing(minutesLeft: minutes) : .onBreak(minutesLeft: minutes)
        case .paused: self = .paused
        case .idle: self = .idle
        case .ended: self = .finished
        }
    }

    public var words: String {
        switch self {
        case .focusing(let m): return "Focus running (\(m) min left)"
        case .onBreak(let m): return "On a break (\(m) min left)"
        case .paused: return "Paused"
        case .idle: return "Idle"
        case .finished: return "Finished its queue"
        case .expired: return "Expired"
        }
    }

    /// A short stable name for markup (`data-status`).
    public var name: String {
        switch self {
        case .focusing: return "focus"
        case .onBreak: return "break"
        case .paused: return "paused"
        case .idle: return "idle"
        case .finished: return "finished"
        case .expired: return "expired"
        }
    }
}
