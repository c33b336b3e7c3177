/// Who wrote a transcript: the speech-to-text engine, or the owner (an edit, which the engine
/// never overwrites).
public enum TranscriptSource: String, Sendable, CaseIterable, Codable {
    case engine, owner

    public init(stored: String) { self = TranscriptSource(rawValue: stored) ?? .engine }
}
