import Foundation

/// CSV as RFC 4180 writes it (comma-separated, CRLF line ends, a field quoted when it holds a
/// comma, a quote or a line break, quotes doubled), for the journal's export. A text field a
/// spreadsheet would read as a formula (starting with =, +, -, @, a tab or a carriage return)
/// gets a leading apostrophe: the owner's transcripts are their words, never a formula run when
/// the file is opened.
public enum JournalCSV {
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    public static func field(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.unicodeScalars.contains(where: { ",\"\n\r".unicodeScalars.contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
