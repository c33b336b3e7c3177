/// A participant's role in a room: one host, everyone else a guest. Stored in
/// `participants.role`.
public enum ParticipantRole: String, Sendable, CaseIterable {
    case host, guest

    public init(stored: String) { self = ParticipantRole(rawValue: stored) ?? .guest }
}
