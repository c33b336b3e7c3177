/// What a voice note is attached to: a session's intent, an interruption, or a break's activity
/// (seed 004's intentAudioUri, InterruptionEvent.audioUri, BreakSession.audioUri).
public enum JournalNoteTarget: String, Sendable, CaseIterable, Codable {
    case session, interruption
    case breakActivity = "break"

    public init?(form: String) { self.init(rawValue: form) }
}
