import Foundation

/// Text typed into a multi-line field (a message, a note, a task's notes, a quote), cleaned the
/// one way they share: CRLF becomes LF, the ends are trimmed and it is composed (NFC).
/// Characters that hide or reorder text are refused, not dropped, so what is stored is what was
/// typed. Lengths count characters as people see them; code points are bounded too, so a
/// character heaped with combining marks cannot make a huge text. Each field words the
/// problems its own way.
public enum TypedText {
    public enum Problem: Error, Equatable {
        case hidden
        case empty
        case tooLong(count: Int)
        case tooManyParts
    }

    public static func multiline(
        _ raw: String, maxLength: Int, maxCodePoints: Int, refusing refused: (Unicode.Scalar) -> Bool = isHidden
    ) throws(Problem) -> String {
        let text = raw.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            .precomposedStringWithCanonicalMapping
        if text.unicodeScalars.contains(where: refused) { throw .hidden }
        if text.isEmpty { throw .empty }
        if text.count > maxLength { throw .tooLong(count: text.count) }
        if text.unicodeScalars.count > maxCodePoints { throw .tooManyParts }
        return text
    }

    /// Control characters other than line feed and tab (NUL included), text-direction
    /// embeddings, overrides and isolates, and the byte-order mark. Joiners stay: emoji are
    /// built with them.
    public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true  // bidi embeddings, overrides, isolates
        case 0xFEFF: return true
        default: return false
        }
    }
}
