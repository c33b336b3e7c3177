/// Whole numbers typed into the board's forms (positions, versions): plain decimal digits only,
/// so "1e3", "0x10", "-1", " 5" and 2^63 are refused instead of guessed at.
public enum BoardNumber {
    /// `text` as a number in `range`, or `.invalid` naming `what`.
    public static func parse(_ text: String, _ what: String, in range: ClosedRange<Int>) throws(BoardRefusal) -> Int {
        guard !text.isEmpty, text.utf8.count <= 9, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(text),
            range.contains(value)
        else { throw .invalid("\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound).") }
        return value
    }

    /// The board version a form carries (the one its page showed).
    public static func version(_ text: String) throws(BoardRefusal) -> Int {
        do { return try parse(text, "The board version", in: 1...999_999_999) } catch {
            throw .invalid("This form did not say which version of the board it was made from. Reload the board and try again.")
        }
    }
}
