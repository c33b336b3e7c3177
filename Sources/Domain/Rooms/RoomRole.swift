/// What a room route asks of the person using it (declared in the route table, checked by the
/// gate before the handler and again on the locked room by `RoomStore.change`).
public enum RoomRole: Sendable, Equatable, CaseIterable {
    /// Anyone who joined, host included.
    case participant
    /// The host, or a participant the host made DJ: runs the soundtrack.
    case dj
    /// The host alone.
    case host

    /// Throws why someone whose seat has `role` (nil: no seat), DJ or not, may not act as `self`.
    public func admit(_ role: ParticipantRole?, isDJ: Bool = false) throws(RoomRefusal) {
        guard let role else { throw .notJoined }
        switch self {
        case .participant: return
        case .dj: if role != .host && !isDJ { throw .djOnly }
        case .host: if role != .host { throw .hostOnly }
        }
    }
}
