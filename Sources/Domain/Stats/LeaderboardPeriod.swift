import Foundation

/// A span the global boards are kept for, in UTC whatever anyone's zone: an ISO 8601 week
/// (Monday 00:00 to the next Monday; its year is the year of its Thursday, so 2024-12-30 is in
/// 2025-W01) or a calendar month. A credit belongs to the span its end falls in.
public struct LeaderboardPeriod: Hashable, Sendable, CustomStringConvertible {
    public enum Span: Sendable, Hashable {
        case week
        case month
    }

    public let span: Span
    /// "2026-W49" or "2026-12": part of the Redis key, so it sorts and reads plainly.
    public let id: String
    public let start: Date
    /// The first instant after the span.
    public let end: Date

    public var description: String { id }

    /// The ISO week `instant` falls in.
    public static func week(containing instant: Date) -> LeaderboardPeriod {
        let day = LocalDate(dayNumber: Int((instant.timeIntervalSince1970 / 86_400).rounded(.down)))
        let monday = day.adding(days: 1 - day.isoWeekday)
        let thursday = monday.adding(days: 3)
        let year = thursday.components.year
        let firstOfYear = LocalDate(year: year, month: 1, day: 1)!
        let week = (thursday - firstOfYear) / 7 + 1
        return LeaderboardPeriod(
            span: .week, id: String(format: "%04d-W%02d", year, week), start: Self.midnight(monday),
            end: Self.midnight(monday.adding(days: 7)))
    }

    /// The calendar month `instant` falls in.
    public static func month(containing instant: Date) -> LeaderboardPeriod {
        let day = LocalDate(dayNumber: Int((instant.timeIntervalSince1970 / 86_400).rounded(.down)))
        let (year, month, _) = day.components
        let first = LocalDate(year: year, month: month, day: 1)!
        let next = month == 12 ? LocalDate(year: year + 1, month: 1, day: 1)! : LocalDate(year: year, month: month + 1, day: 1)!
        return LeaderboardPeriod(
            span: .month, id: String(format: "%04d-%02d", year, month), start: Self.midnight(first), end: Self.midnight(next))
    }

    /// The span of the same kind `instant` falls in.
    public static func of(_ span: Span, containing instant: Date) -> LeaderboardPeriod {
        span == .week ? week(containing: instant) : month(containing: instant)
    }

    /// The span just before this one (last week, last month).
    public var previous: LeaderboardPeriod { Self.of(span, containing: start.addingTimeInterval(-1)) }

    public func contains(_ instant: Date) -> Bool { instant >= start && instant < end }

    private static func midnight(_ day: LocalDate) -> Date { Date(timeIntervalSince1970: Double(day.dayNumber) * 86_400) }
}
