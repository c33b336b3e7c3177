/// The board's fixed coordinate space: every stored number is an integer in it, and the SVG's
/// viewBox is exactly this, so a board looks the same at any size.
public enum BoardGeometry {
    public static let width = 1200
    public static let height = 800
    /// Every note is the same size: only its corner is stored.
    public static let noteWidth = 160
    public static let noteHeight = 100
    /// One step of the arrow buttons and of the forms' number fields.
    public static let gridStep = 20
    /// The largest x and y a note's corner may have (the note stays wholly on the board).
    public static let maxNoteX = width - noteWidth
    public static let maxNoteY = height - noteHeight
    /// The paper: what an eraser stroke paints with.
    public static let paper = "#fffdf5"
}
