import Foundation

/// A calendar date with no zone: someone's day, as it was stamped. Counted in days since
/// 1970-01-01 so that "the day after" and "days between" are plain arithmetic.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let dayNumber: Int

    public init(dayNumber: Int) { self.dayNumber = dayNumber }

    public init?(year: Int, month: Int, day: Int) {
        var components = DateComponents(year: year, month: month, day: day)
        components.hour = 12
        guard (1...12).contains(month), (1...31).contains(day), let date = Self.utc.date(from: components),
            Self.utc.component(.day, from: date) == day
        else { return nil }
        dayNumber = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// "2026-12-02", as PostgreSQL writes a `date`; nil for anything else.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var components: (year: Int, month: Int, day: Int) {
        let parts = Self.utc.dateComponents([.year, .month, .day], from: noonUTC)
        return (parts.year!, parts.month!, parts.day!)
    }

    public var iso: String {
        let (y, m, d) = components
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    public var description: String { iso }

    /// Monday is 1, Sunday 7 (ISO 8601).
    public var isoWeekday: Int { ((dayNumber + 3) % 7 + 7) % 7 + 1 }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    public static func - (lhs: LocalDate, rhs: LocalDate) -> Int { lhs.dayNumber - rhs.dayNumber }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    var noonUTC: Date { Date(timeIntervalSince1970: Double(dayNumber) * 86_400 + 43_200) }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
