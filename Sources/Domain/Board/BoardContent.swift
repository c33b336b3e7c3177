/// Everything drawn on a board: its notes (by id) and strokes (in drawing order).
public struct BoardContent: Sendable, Equatable, Codable {
    public var notes: [BoardNote]
    public var strokes: [BoardStroke]

    public init(notes: [BoardNote] = [], strokes: [BoardStroke] = []) {
        self.notes = notes
        self.strokes = strokes
    }

    /// What the board holds by the limits' measure.
    public var tally: BoardTally {
        BoardTally(
            notes: notes.count, strokes: strokes.count,
            noteBytes: notes.reduce(0) { $0 + BoardTally.bytes(ofNote: $1.text) },
            strokeBytes: strokes.reduce(0) { $0 + BoardTally.bytes(ofStroke: $1.points) })
    }
}
