/// Where a note's top-left corner is, in board units; the note stays wholly on the board.
public struct NotePosition: Sendable, Equatable, Codable {
    public let x: Int
    public let y: Int

    /// Typed coordinates; anything off the board, or not a whole number, is refused.
    public init(x: String, y: String) throws(BoardRefusal) {
        self.x = try BoardNumber.parse(x, "x", in: 0...BoardGeometry.maxNoteX)
        self.y = try BoardNumber.parse(y, "y", in: 0...BoardGeometry.maxNoteY)
    }

    /// A position pulled back onto the board (for the arrow buttons, which stop at the edge).
    public init(clampingX x: Int, y: Int) {
        self.x = min(max(x, 0), BoardGeometry.maxNoteX)
        self.y = min(max(y, 0), BoardGeometry.maxNoteY)
    }

    /// Where a new note goes when none was typed: a cascade from the top-left corner, so new
    /// notes do not hide each other.
    public static func cascade(_ index: Int) -> NotePosition {
        let step = BoardGeometry.gridStep * 2
        let columns = BoardGeometry.maxNoteX / step + 1
        let rows = BoardGeometry.maxNoteY / step + 1
        return NotePosition(clampingX: (index % columns) * step, y: (index / columns % rows) * step)
    }
}
