import Foundation

/// The texts of private tasks, checked the same way as a direct message's: control characters
/// and text-direction overrides are refused, not dropped, so what is stored is what was typed;
/// joiners stay (emoji are built with them). Lengths count characters as people see them.
public enum PrivateTaskText {
    /// A task's title: one line (runs of white space, line breaks included, become one space),
    /// 1–200 characters.
    public static func title(_ raw: String) throws(PrivateTaskRefusal) -> String {
        try line(raw, what: "A task's title", max: PrivateTaskLimits.titleLength)
    }

    /// A list's name: one line, 1–60 characters.
    public static func listName(_ raw: String) throws(PrivateTaskRefusal) -> String {
        try line(raw, what: "A list's name", max: PrivateTaskLimits.listNameLength)
    }

    /// Notes in Markdown: line breaks kept (as `\n`), trimmed, at most 5,000 characters; "" for none.
    public static func notes(_ raw: String) throws(PrivateTaskRefusal) -> String {
        do {
            return try TypedText.multiline(
                raw, maxLength: PrivateTaskLimits.notesLength, maxCodePoints: PrivateTaskLimits.notesCodePoints)
        } catch {
            switch error {
            case .hidden: throw .invalid("Notes cannot contain control characters or text-direction overrides.")
            case .empty: return ""
            case .tooLong(let count): throw .invalid("Notes can be at most 5,000 characters long (these have \(count)).")
            case .tooManyParts: throw .invalid("These notes are too long: their characters are built of too many parts (accents, joiners).")
            }
        }
    }

    static func line(_ raw: String, what: String, max: Int) throws(PrivateTaskRefusal) -> String {
        try refuseHidden(raw, what: what)
        let folded = raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").precomposedStringWithCanonicalMapping
        if folded.isEmpty { throw .invalid("\(what) cannot be empty.") }
        if folded.count > max { throw .invalid("\(what) can be at most \(max) characters long (this one has \(folded.count)).") }
        // A long run of combining marks is one character but many code points.
        if folded.unicodeScalars.count > max * 4 { throw .invalid("\(what) is built of too many parts (accents, joiners).") }
        return folded
    }

    static func refuseHidden(_ text: String, what: String) throws(PrivateTaskRefusal) {
        for scalar in text.unicodeScalars where TypedText.isHidden(scalar) {
            throw .invalid("\(what) cannot contain control characters or text-direction overrides.")
        }
    }
}
