import Foundation

/// What a transcript may hold, whoever wrote it: at most `maxLength` characters (the column's
/// CHECK counts code points, so code points are held to the same number).
public enum TranscriptText {
    public static let maxLength = 10_000

    /// The owner's edit, through the rules every typed text follows (`TypedText`): refused, never
    /// trimmed, when it is over the cap, empty or carries characters that hide text.
    public static func owner(_ typed: String) throws(JournalRefusal) -> String {
        do {
            return try TypedText.multiline(typed, maxLength: maxLength, maxCodePoints: maxLength)
        } catch {
            switch error {
            case .hidden: throw .invalid("The transcript has invisible control or direction characters; type it again without them.")
            case .empty: throw .invalid("The transcript is empty. Type what was said, or delete the voice note.")
            case .tooLong(let count):
                throw .invalid("A transcript can be at most 10,000 characters long (this one has \(VaultRefusal.grouped(count))).")
            case .tooManyParts:
                throw .invalid("The transcript is too long once its accents and joined characters are counted; the limit is 10,000.")
            }
        }
    }

    /// What an engine printed, made fit to store: read as UTF-8 (bad bytes replaced), characters
    /// that hide text dropped, every run of spaces and line breaks (engines print one line per
    /// utterance) made one space, composed (NFC) and cut after the last whole word that fits.
    /// An engine is not a person: its output is cleaned, not refused. Empty means no words.
    public static func engine(_ output: [UInt8]) -> String {
        let decoded = String(decoding: output, as: UTF8.self)
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in decoded.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if TypedText.isHidden(scalar) || scalar == "\u{FFFD}" { continue }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            scalars.append(scalar)
        }
        let text = String(scalars).precomposedStringWithCanonicalMapping
        guard text.unicodeScalars.count > maxLength else { return text }
        var cut = String.UnicodeScalarView(text.unicodeScalars.prefix(maxLength))
        if text.unicodeScalars[text.unicodeScalars.index(text.unicodeScalars.startIndex, offsetBy: maxLength)] != " ",
            let lastSpace = cut.lastIndex(of: " ")
        {
            cut = String.UnicodeScalarView(cut[..<lastSpace])
        }
        // Cutting by code points may split a character; composing again keeps what is stored whole.
        return String(cut).precomposedStringWithCanonicalMapping
    }
}
