/// A sticky note's colour: one of six, stored by name.
public enum NoteColour: String, CaseIterable, Sendable, Codable {
    case yellow, pink, blue, green, orange, purple

    /// Unknown stored names (none are written) read as yellow.
    public init(stored: String) { self = NoteColour(rawValue: stored) ?? .yellow }

    public var fill: String {
        switch self {
        case .yellow: return "#fff3a6"
        case .pink: return "#ffc9de"
        case .blue: return "#c4e3ff"
        case .green: return "#c8f0c0"
        case .orange: return "#ffd8a8"
        case .purple: return "#e0cfff"
        }
    }

    public var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}
