/// Where a voice note's transcript stands: the page says "transcribing…" while it is pending.
public enum TranscriptStatus: String, Sendable, CaseIterable, Codable {
    case pending, done, failed

    public init(stored: String) { self = TranscriptStatus(rawValue: stored) ?? .pending }
}
