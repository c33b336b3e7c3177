import Foundation

/// A note's text: trimmed, 1–280 characters, line breaks kept (as `\n`). Control characters,
/// text-direction overrides and the characters XML cannot hold are refused, not dropped, so what
/// is stored is what was typed and every board can be written out as an SVG file.
public struct NoteText: Sendable, Equatable {
    public static let maxLength = 280
    public static let maxCodePoints = 2_000

    public let value: String

    public init(validating raw: String) throws(BoardRefusal) {
        do {
            value = try TypedText.multiline(raw, maxLength: Self.maxLength, maxCodePoints: Self.maxCodePoints, refusing: Self.isRefused)
        } catch {
            switch error {
            case .hidden: throw .invalid("A note cannot contain control characters or text-direction overrides.")
            case .empty: throw .invalid("Write something on the note first: it cannot be empty.")
            case .tooLong(let count):
                throw .invalid("A note can be at most \(Self.maxLength) characters long (this one has \(count)).")
            case .tooManyParts: throw .invalid("This note is too long: its characters are built of too many parts (accents, joiners).")
            }
        }
    }

    /// `TypedText.isHidden`, plus the tab and what XML cannot hold (U+FFFE, U+FFFF).
    static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        TypedText.isHidden(scalar) || scalar == "\t" || scalar.value == 0xFFFE || scalar.value == 0xFFFF
    }
}
