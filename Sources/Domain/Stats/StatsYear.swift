/// A year asked for on a stats page (`?year=2025`): four digits, within the years the owner
/// has stats for. Anything else is refused with what would have worked.
public struct StatsYear: Sendable, Equatable {
    public let value: Int

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case notAYear(String)
        case outOfRange(ClosedRange<Int>)

        public var description: String {
            switch self {
            case .notAYear(let text):
                return "“\(text.prefix(20))” is not a year. Ask for one like ?year=2026, or leave it out for the past year."
            case .outOfRange(let years) where years.count == 1:
                return "There are stats for \(years.lowerBound) only: ask for ?year=\(years.lowerBound), or leave it out."
            case .outOfRange(let years):
                return "There are stats for \(years.lowerBound) to \(years.upperBound): ask for one of those years, or leave it out."
            }
        }
    }

    public init(validating text: String, allowed: ClosedRange<Int>) throws(Problem) {
        let year = try Self.digits(text)
        guard allowed.contains(year) else { throw .outOfRange(allowed) }
        value = year
    }

    /// The year `text` names, checked for its form alone (four ASCII digits): the range is
    /// known only once the owner's first day of credit is.
    public static func digits(_ text: String) throws(Problem) -> Int {
        guard text.utf8.count == 4, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let year = Int(text) else {
            throw .notAYear(text)
        }
        return year
    }
}
