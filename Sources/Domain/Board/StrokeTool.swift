/// What a stroke was drawn with. An eraser stroke is stored like any other and drawn in the
/// paper's colour over the strokes before it (notes sit above the drawing, so it never hides them).
public enum StrokeTool: String, CaseIterable, Sendable, Codable {
    case pen, eraser

    public init(stored: String) { self = StrokeTool(rawValue: stored) ?? .pen }
}
