/// A sticky note as stored: its id, text, colour and the corner's position.
public struct BoardNote: Sendable, Equatable, Codable {
    public let id: Int
    public let text: String
    public let colour: NoteColour
    public let x: Int
    public let y: Int

    public init(id: Int, text: String, colour: NoteColour, x: Int, y: Int) {
        self.id = id
        self.text = text
        self.colour = colour
        self.x = x
        self.y = y
    }

    public var position: NotePosition { NotePosition(clampingX: x, y: y) }
}
