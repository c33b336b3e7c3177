/// Where a room's session is: not started yet, a segment running, paused, or over. Stored as
/// its raw value in `rooms.status` (a CHECK allows exactly these).
public enum RoomStatus: String, Sendable, CaseIterable {
    case idle, running, paused, ended

    /// A segment has been started and the session is not over.
    public var isStarted: Bool { self == .running || self == .paused }

    /// The value read from the database; the CHECK constraint makes anything else impossible,
    /// so an unknown value (a newer schema) reads as idle rather than failing the page.
    public init(stored: String) { self = RoomStatus(rawValue: stored) ?? .idle }
}
