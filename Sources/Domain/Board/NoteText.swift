import Foundation

/// A note's text: trimmed, 1–280 characters, line breaks kept (as `\n`). Control characters,
/// text-direction overrides and the characters XML cannot hold are refused, not dropped, so what
/// is stored is what was typed and every board can be written out as an SVG file.
public struct NoteText: Sendable, Equatable {
    public static let maxLength = 280
    public static let maxCodePoints = 2_000

    public let value: String

    public init(validating raw: String) throws(BoardRefusal) {
        let text = raw.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            .precomposedStringWithCanonicalMapping
        for scalar in text.unicodeScalars where Self.isRefused(scalar) {
            throw .invalid("A note cannot contain control characters or text-direction overrides.")
        }
        if text.isEmpty { throw .invalid("Write something on the note first: it cannot be empty.") }
        if text.count > Self.maxLength {
            throw .invalid("A note can be at most \(Self.maxLength) characters long (this one has \(text.count)).")
        }
        if text.unicodeScalars.count > Self.maxCodePoints {
            throw .invalid("This note is too long: its characters are built of too many parts (accents, joiners).")
        }
        value = text
    }

    static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true  // bidi embeddings, overrides, isolates
        case 0xFEFF, 0xFFFE, 0xFFFF: return true
        default: return false
        }
    }
}
