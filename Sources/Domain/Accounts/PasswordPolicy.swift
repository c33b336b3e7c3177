/// What a new password must be: 12 to 128 characters and not common. No composition rules
/// (NIST SP 800-63B): length and a blocklist do the work.
public struct PasswordPolicy: Sendable {
    public static let lengthRange = 12...128
    private let common: Set<String>

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case tooShort, tooLong, tooCommon

        public var description: String {
            switch self {
            case .tooShort: return "A password must be at least 12 characters long. A few unrelated words make a good one."
            case .tooLong: return "A password can be at most 128 characters long."
            case .tooCommon: return "That password is too common: it is on lists attackers try first. Please choose another."
            }
        }
    }

    /// `list` is one password per line; lines starting with "#!comment:" are skipped (john's format).
    public init(commonList list: String) {
        var set = Set<String>()
        for line in list.split(whereSeparator: { $0.isNewline }) where !line.hasPrefix("#!comment:") {
            set.insert(line.lowercased())
        }
        common = set
    }

    public var commonCount: Int { common.count }

    public func check(_ password: String) throws(Problem) {
        let length = password.unicodeScalars.count
        if length < Self.lengthRange.lowerBound { throw .tooShort }
        if length > Self.lengthRange.upperBound { throw .tooLong }
        if isCommon(password) { throw .tooCommon }
    }

    /// The list's words are short, so a long password is "common" when it is one of them dressed
    /// up: repeated ("monkeymonkeymonkey") or padded with digits and symbols ("password1234!").
    public func isCommon(_ password: String) -> Bool {
        let lower = password.lowercased()
        if common.contains(lower) { return true }
        let stem = String(lower.drop { !$0.isLetter }.reversed().drop { !$0.isLetter }.reversed())
        if stem.isEmpty {
            // No letters at all: common when it is a short pattern repeated ("123123123123",
            // "000000000000") or a run of the keyboard's digits, spaces and signs aside.
            let digits = String(lower.filter { !$0.isWhitespace && !"-_.,".contains($0) })
            let unit = Self.repeatedUnit(digits)
            return unit.count <= 4 || common.contains(unit) || "01234567890123456789".contains(digits)
                || "98765432109876543210".contains(digits)
        }
        let unit = Self.repeatedUnit(stem)
        return common.contains(stem) || common.contains(unit) || unit.count == 1
    }

    /// "abcabcabc" → "abc"; a string that is no repetition is its own unit.
    static func repeatedUnit(_ text: String) -> String {
        let chars = Array(text)
        for size in 1...max(1, chars.count / 2) where chars.count % size == 0 {
            let unit = chars[0..<size]
            if stride(from: size, to: chars.count, by: size).allSatisfy({ chars[$0..<$0 + size] == unit }) {
                return String(unit)
            }
        }
        return text
    }
}
