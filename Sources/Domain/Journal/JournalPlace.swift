/// Where a journal session was kept: alongside the personal timer, alongside a shared room's
/// timer (never shown to the room), or on the journal page by itself.
public enum JournalPlace: String, Sendable, CaseIterable, Codable {
    case timer, room, journal

    public init(stored: String) { self = JournalPlace(rawValue: stored) ?? .journal }
}
