/// What a room route asks of the person using it (declared in the route table, checked by the
/// gate before the handler and again on the locked room by `RoomStore.change`).
public enum RoomRole: Sendable, Equatable, CaseIterable {
    /// Anyone who joined, host included.
    case participant
    /// The host alone.
    case host

    /// Throws why someone whose seat has `role` (nil: no seat) may not act as `self`.
    public func admit(_ role: ParticipantRole?) throws(RoomRefusal) {
        guard let role else { throw .notJoined }
        if self == .host && role != .host { throw .hostOnly }
    }
}
