/// A stroke's width, one of three; an eraser is three times wider than a pen of the same width.
public enum StrokeWidth: String, CaseIterable, Sendable, Codable {
    case thin, medium, thick

    public init(stored: String) { self = StrokeWidth(rawValue: stored) ?? .medium }

    /// Width in board units.
    public func units(for tool: StrokeTool) -> Int {
        let pen: Int
        switch self {
        case .thin: pen = 2
        case .medium: pen = 5
        case .thick: pen = 10
        }
        return tool == .eraser ? pen * 3 : pen
    }
}
