/// What made a version of a board, as its history lists it.
public enum BoardChange: String, CaseIterable, Sendable {
    case created, noteAdded = "note_added", noteEdited = "note_edited", noteMoved = "note_moved", noteDeleted = "note_deleted"
    case drawn, erased, cleared, restored

    /// Unknown stored names (none are written) read as `noteEdited`, which claims least.
    public init(stored: String) { self = BoardChange(rawValue: stored) ?? .noteEdited }

    /// The history's words for it; `restoredFrom` names the version a restore went back to.
    public func words(restoredFrom: Int?) -> String {
        switch self {
        case .created: return "Board created"
        case .noteAdded: return "Note added"
        case .noteEdited: return "Note edited"
        case .noteMoved: return "Note moved"
        case .noteDeleted: return "Note deleted"
        case .drawn: return "Drawn with the pen"
        case .erased: return "Erased"
        case .cleared: return "Drawing cleared"
        case .restored: return restoredFrom.map { "Version \($0) restored" } ?? "An earlier version restored"
        }
    }

    /// An edit that only moved the note is a move.
    public static func noteEdit(before: BoardNote, text: String, colour: NoteColour) -> BoardChange {
        before.text == text && before.colour == colour ? .noteMoved : .noteEdited
    }
}
