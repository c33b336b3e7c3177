/// How much a board holds, by the measure its limits use: notes, strokes, and bytes.
///
/// Bytes are measured as the board's data takes in its export encoding, near enough and the same
/// on every machine: a note is 48 bytes plus its text's UTF-8 bytes; a stroke is 48 bytes plus,
/// for each coordinate, its decimal digits and one separator. (48 covers the id, colour,
/// position or tool, width and the punctuation around them.) So 200 kB is about 200 notes of
/// 280 characters and some 8,000 points of drawing besides.
public struct BoardTally: Sendable, Equatable {
    public var notes: Int
    public var strokes: Int
    public var noteBytes: Int
    public var strokeBytes: Int

    public init(notes: Int = 0, strokes: Int = 0, noteBytes: Int = 0, strokeBytes: Int = 0) {
        self.notes = notes
        self.strokes = strokes
        self.noteBytes = noteBytes
        self.strokeBytes = strokeBytes
    }

    public var bytes: Int { noteBytes + strokeBytes }

    public static let overhead = 48

    public static func bytes(ofNote text: String) -> Int { overhead + text.utf8.count }

    public static func bytes(ofStroke points: [Int]) -> Int {
        overhead + points.reduce(0) { $0 + Self.digits($1) + 1 }
    }

    static func digits(_ value: Int) -> Int {
        var n = abs(value)
        var count = 1
        while n >= 10 {
            n /= 10
            count += 1
        }
        return count + (value < 0 ? 1 : 0)
    }

    /// The tally with one more note of `text`; refused past the note or byte limit.
    public func addingNote(_ text: String) throws(BoardRefusal) -> BoardTally {
        if notes >= BoardLimits.notes { throw .full("This board has \(BoardLimits.notes) notes, its limit: delete one or start another board.") }
        var next = self
        next.notes += 1
        next.noteBytes += Self.bytes(ofNote: text)
        try next.checkBytes()
        return next
    }

    /// The tally with a note's text changed from `old` to `new`.
    public func replacingNote(_ old: String, with new: String) throws(BoardRefusal) -> BoardTally {
        var next = self
        next.noteBytes += Self.bytes(ofNote: new) - Self.bytes(ofNote: old)
        if next.noteBytes > noteBytes { try next.checkBytes() }
        return next
    }

    public func removingNote(_ text: String) -> BoardTally {
        var next = self
        next.notes = max(0, notes - 1)
        next.noteBytes = max(0, noteBytes - Self.bytes(ofNote: text))
        return next
    }

    /// The tally with one more stroke; refused past the stroke or byte limit.
    public func addingStroke(_ points: [Int]) throws(BoardRefusal) -> BoardTally {
        if strokes >= BoardLimits.strokes {
            throw .full("This board has \(BoardLimits.strokes) strokes, its limit: clear the drawing or start another board.")
        }
        var next = self
        next.strokes += 1
        next.strokeBytes += Self.bytes(ofStroke: points)
        try next.checkBytes()
        return next
    }

    public var clearingStrokes: BoardTally { BoardTally(notes: notes, noteBytes: noteBytes) }

    private func checkBytes() throws(BoardRefusal) {
        if bytes > BoardLimits.bytes {
            throw .full(
                "This board is full (it holds at most \(BoardLimits.bytes / 1000) kB of notes and drawing): "
                    + "clear some of it or start another board.")
        }
    }
}
