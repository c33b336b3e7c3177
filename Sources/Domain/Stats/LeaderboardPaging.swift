/// Which slice of a board a page shows. Pages hold 50 people; a page number is a plain decimal
/// from 1 to 100,000 (five million places), anything else is refused rather than guessed at.
public struct LeaderboardPaging: Equatable, Sendable {
    public static let pageSize = 50
    public static let maxPage = 100_000
    /// People shown above and below the viewer's own place.
    public static let reach = 2

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case notANumber
        case outOfRange

        public var description: String {
            switch self {
            case .notANumber: return "A page number is written with digits only, like 2."
            case .outOfRange: return "Page numbers go from 1 to \(LeaderboardPaging.maxPage)."
            }
        }
    }

    public let page: Int

    public init(page: Int) { self.page = page }

    /// `?page=`: absent means the first page; "2" is page 2; "-1", "0", "1e3", "0x10", "+2", " 2" and
    /// numbers past `maxPage` are refused.
    public static func parse(_ text: String?) throws(Problem) -> LeaderboardPaging {
        guard let text else { return LeaderboardPaging(page: 1) }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .notANumber
        }
        let digits = text.drop { $0 == "0" }
        guard digits.count <= 6, let page = Int(digits), (1...maxPage).contains(page) else { throw .outOfRange }
        return LeaderboardPaging(page: page)
    }

    /// The 0-based place of the page's first person.
    public var offset: Int { (page - 1) * Self.pageSize }

    /// Pages a board of `total` people fills; an empty board still has its (empty) first page.
    public static func pageCount(total: Int) -> Int { max(1, (total + pageSize - 1) / pageSize) }

    /// True when the page starts after the board's last person.
    public func isPastEnd(total: Int) -> Bool { page > Self.pageCount(total: total) }

    /// The page that shows the 0-based place `index`.
    public static func page(of index: Int) -> Int { index / pageSize + 1 }

    /// The places shown around the 0-based place `index` of a board of `total`: `reach` above and
    /// below, fewer at either end.
    public static func around(_ index: Int, total: Int, reach: Int = Self.reach) -> ClosedRange<Int> {
        max(0, index - reach)...max(0, min(total - 1, index + reach))
    }
}
