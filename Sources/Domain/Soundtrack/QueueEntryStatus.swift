/// Where a room-queue entry stands (the seed's RoomQueue.isPlayed, plus guests' proposals).
/// Stored as `room_queue.status`.
public enum QueueEntryStatus: String, Sendable, CaseIterable {
    /// A guest proposed it; the host or a DJ accepts (→ upNext) or rejects (deleted).
    case proposed
    /// Up next, in `ord` order; the current entry stays here until it ends or is skipped.
    case upNext = "up_next"
    /// History (the seed's isPlayed = true).
    case played

    public init(stored: String) { self = QueueEntryStatus(rawValue: stored) ?? .played }
}
