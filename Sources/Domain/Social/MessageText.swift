/// The text of a direct message: trimmed, 1–2,000 characters, line breaks kept (as `\n`).
/// Control characters (NUL included) and text-direction overrides are refused, not dropped, so
/// what is stored is what was typed; joiners stay (emoji are built with them).
public struct MessageText: Sendable, Equatable {
    public static let maxLength = 2000
    public static let maxCodePoints = 16_000

    public let value: String

    public init(validating raw: String) throws(MessageRefusal) {
        let text = raw.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            .precomposedStringWithCanonicalMapping
        for scalar in text.unicodeScalars where Self.isRefused(scalar) {
            throw .invalid("A message cannot contain control characters or text-direction overrides.")
        }
        if text.isEmpty { throw .invalid("Write something first: a message cannot be empty.") }
        // Characters are counted as people see them; code points are bounded too, so a character
        // heaped with combining marks cannot make a huge message.
        if text.count > Self.maxLength {
            throw .invalid("A message can be at most 2,000 characters long (this one has \(text.count)).")
        }
        if text.unicodeScalars.count > Self.maxCodePoints {
            throw .invalid("This message is too long: its characters are built of too many parts (accents, joiners).")
        }
        value = text
    }

    static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true  // bidi embeddings, overrides, isolates
        case 0xFEFF: return true
        default: return false
        }
    }
}
