/// How the soundtrack follows the room's timer, chosen by the host. Stored as `rooms.sound_mode`;
/// every client applies it as the timer's phase changes.
public enum SoundtrackMode: String, Sendable, CaseIterable {
    case always
    /// Music in breaks only: silent during focus.
    case breaks
    /// Quieter during focus.
    case quieter

    public init(stored: String) { self = SoundtrackMode(rawValue: stored) ?? .always }
    public init?(form: String) { self.init(rawValue: form) }

    /// The volume (0…1) during a segment of this kind: what the page's script sets on `<audio>`.
    public func volume(duringFocus: Bool) -> Double {
        switch self {
        case .always: return 1
        case .breaks: return duringFocus ? 0 : 1
        case .quieter: return duringFocus ? 0.3 : 1
        }
    }

    public var words: String {
        switch self {
        case .always: return "Music always"
        case .breaks: return "Music in breaks only"
        case .quieter: return "Quieter during focus"
        }
    }
}
