import Foundation

/// Where one of a person's days ends and the next begins: a time of day (midnight until the
/// personal timer lets people choose a reset time) in their zone. The one rule for "which day
/// is it" that focus credit, streaks and the personal timer's daily reset all use, so they can
/// never disagree. DST days are 23 or 25 hours long; a reset time that a DST change skips
/// happens at the first moment after the gap.
public struct DayBoundary: Sendable, Equatable {
    public static func == (a: DayBoundary, b: DayBoundary) -> Bool { a.zone == b.zone && a.resetMinutes == b.resetMinutes }

    public let zone: TimeZone
    /// Minutes after local midnight, 0..<1440.
    public let resetMinutes: Int

    /// Made once: building a Calendar costs more than the sums asked of it.
    private let calendar: Calendar

    public init(zone: TimeZone, resetMinutes: Int = 0) {
        self.zone = zone
        self.resetMinutes = min(max(resetMinutes, 0), 1439)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    /// A zone name as stored (an IANA id); nil for anything the system does not know.
    public init?(zoneName: String, resetMinutes: Int = 0) {
        guard !zoneName.isEmpty, zoneName.count <= 64, let zone = TimeZone(identifier: zoneName) else { return nil }
        self.init(zone: zone, resetMinutes: resetMinutes)
    }

    /// The day `instant` belongs to.
    public func day(at instant: Date) -> LocalDate {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        let date = LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
        // By the wall clock, so a DST change moves the reset with the clock, as people expect.
        return parts.hour! * 60 + parts.minute! < resetMinutes ? date.adding(days: -1) : date
    }

    /// The instant `day` begins.
    public func start(of day: LocalDate) -> Date {
        let (y, m, d) = day.components
        var parts = DateComponents(year: y, month: m, day: d, hour: resetMinutes / 60, minute: resetMinutes % 60)
        parts.timeZone = zone
        // A wall time skipped by DST resolves forward (Foundation's default for a missing time).
        return calendar.date(from: parts) ?? LocalDate.utc.date(from: parts)!
    }

    /// The first boundary after `instant`.
    public func next(after instant: Date) -> Date {
        var day = self.day(at: instant).adding(days: 1)
        var boundary = start(of: day)
        // A 25-hour day or an odd zone can put the computed start at or before `instant`.
        while boundary <= instant {
            day = day.adding(days: 1)
            boundary = start(of: day)
        }
        return boundary
    }

    /// The hour of the local day (0–23) at `instant`, by the wall clock.
    public func hour(at instant: Date) -> Int { calendar.component(.hour, from: instant) }

    /// The wall time at `instant` with the zone's abbreviation, as an audit trail writes it:
    /// "2026-03-08 03:00 EDT" (or "GMT+5:45" where the zone has no abbreviation).
    public func wallClock(at instant: Date) -> String {
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let date = LocalDate(year: p.year!, month: p.month!, day: p.day!)!.iso
        return "\(date) \(two(p.hour!)):\(two(p.minute!)) \(zone.abbreviation(for: instant) ?? zone.identifier)"
    }
}
