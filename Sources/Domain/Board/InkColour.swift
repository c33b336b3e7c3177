/// A pen stroke's colour (an eraser's is the paper's, whatever was chosen).
public enum InkColour: String, CaseIterable, Sendable, Codable {
    case ink, red, blue, green

    public init(stored: String) { self = InkColour(rawValue: stored) ?? .ink }

    public var stroke: String {
        switch self {
        case .ink: return "#22223b"
        case .red: return "#d62839"
        case .blue: return "#1d63c9"
        case .green: return "#2b8a3e"
        }
    }

    public var label: String { rawValue == "ink" ? "Black" : rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}
