/// How a category was given (seed 004): a tap on a chip, or a voice note.
public enum JournalSource: String, Sendable, CaseIterable, Codable {
    case touch, voice

    public init(stored: String) { self = JournalSource(rawValue: stored) ?? .touch }
}
