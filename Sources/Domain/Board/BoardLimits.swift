/// How much one person and one board may hold.
public enum BoardLimits {
    /// Boards per person.
    public static let boards = 20
    /// Notes on one board.
    public static let notes = 200
    /// Strokes on one board (an eraser stroke counts as one).
    public static let strokes = 5_000
    /// Stored data on one board, by `BoardTally`'s measure.
    public static let bytes = 200_000
    /// Versions kept for undo, the current one included.
    public static let versionsKept = 20
}
