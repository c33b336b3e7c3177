/// What an audit line is about: a kind and the id it has in its own table, with a label (a
/// username, a room code, a track title) copied at the time, since the thing may be gone later.
public struct AuditTarget: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case user, room, message, task, report, track
        case directMessage = "direct_message"
    }

    public let kind: Kind
    public let id: String
    public let label: String

    public init(_ kind: Kind, id: String, label: String) {
        self.kind = kind
        self.id = id
        self.label = label
    }
}
