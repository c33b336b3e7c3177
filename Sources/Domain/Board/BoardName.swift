import Foundation

/// A board's name: trimmed, 1–60 characters on one line.
public struct BoardName: Sendable, Equatable {
    public static let maxLength = 60
    /// The board everyone gets on their first visit.
    public static let first = BoardName(trusted: "My board")

    public let value: String

    public init(validating raw: String) throws(BoardRefusal) {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
        if text.unicodeScalars.contains(where: { $0 == "\n" || NoteText.isRefused($0) }) {
            throw .invalid("A board's name is one line, without control characters or text-direction overrides.")
        }
        if text.isEmpty { throw .invalid("Give the board a name.") }
        if text.count > Self.maxLength || text.unicodeScalars.count > Self.maxLength * 4 {
            throw .invalid("A board's name can be at most \(Self.maxLength) characters long.")
        }
        value = text
    }

    private init(trusted: String) { value = trusted }
}
