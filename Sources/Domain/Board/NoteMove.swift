/// An arrow button under a note: one grid step that way, stopping at the board's edge.
public enum NoteMove: String, CaseIterable, Sendable {
    case left, right, up, down

    public func applied(to position: NotePosition) -> NotePosition {
        let step = BoardGeometry.gridStep
        switch self {
        case .left: return NotePosition(clampingX: position.x - step, y: position.y)
        case .right: return NotePosition(clampingX: position.x + step, y: position.y)
        case .up: return NotePosition(clampingX: position.x, y: position.y - step)
        case .down: return NotePosition(clampingX: position.x, y: position.y + step)
        }
    }
}
