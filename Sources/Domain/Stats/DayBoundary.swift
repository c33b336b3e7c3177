import Foundation

/// Where one of a person's days ends and the next begins: a time of day (midnight until the
/// personal timer lets people choose a reset time) in their zone. The one rule for "which day
/// is it" that focus credit, streaks and the personal timer's daily reset all use, so they can
/// never disagree. DST days are 23 or 25 hours long; a reset time that a DST change skips
/// happens at the first moment after the gap, one that it repeats at the first occurrence.
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

    /// The day `instant` belongs to: the latest day whose start (`start(of:)`) is not after it,
    /// so the two never disagree, even in an hour a DST change repeats (after a 01:30 reset ran
    /// at the first 01:30, 01:15 of the second pass is not "yesterday" again).
    public func day(at instant: Date) -> LocalDate {
        let offset = zone.secondsFromGMT(for: instant)
        let wall = Int(instant.timeIntervalSince1970.rounded(.down)) + offset
        let date = LocalDate(dayNumber: Self.floorDiv(wall, 86_400))
        // The offset has not changed for two days (the most a zone ever jumped is one): the wall
        // clock alone says it.
        if offset == zone.secondsFromGMT(for: instant.addingTimeInterval(-2 * 86_400)) {
            return wall >= naive(date) ? date : date.adding(days: -1)
        }
        var day = date.adding(days: 1)
        while start(of: day) > instant { day = day.adding(days: -1) }
        return day
    }

    /// The instant `day` begins: its reset time by the wall clock. A wall time that a change of
    /// offset skips (spring forward, or Pacific/Apia's missing 2011-12-30) begins the day at the
    /// first moment after the gap; one that happens twice (fall back) at its first occurrence.
    /// Worked out from the zone's offsets alone, not by `Calendar`, whose answer for missing and
    /// repeated times differs between platforms.
    public func start(of day: LocalDate) -> Date {
        let naive = self.naive(day)
        // The instant is naive - offset, with the offset (-12 h … +14 h) in force then: the
        // offsets around the wall time are the only candidates.
        var offsets: [Int] = []
        for hours in [-14, -7, 0, 6, 12] {
            let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(naive + hours * 3600)))
            if !offsets.contains(offset) { offsets.append(offset) }
        }
        if offsets.count == 1 { return Date(timeIntervalSince1970: Double(naive - offsets[0])) }
        // Every offset really in force at naive - offset gives an occurrence; the first (the larger
        // offset) wins.
        let occurrences = offsets.filter { zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(naive - $0))) == $0 }
        if let largest = occurrences.max() { return Date(timeIntervalSince1970: Double(naive - largest)) }
        // A gap: the wall clock passes from before `naive` to after it at one instant, between
        // naive - the larger offset and naive - the smaller. Find it to the second.
        var low = naive - offsets.max()!
        var high = naive - offsets.min()!
        while high - low > 1 {
            let mid = low + (high - low) / 2
            if mid + zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(mid))) >= naive { high = mid } else { low = mid }
        }
        // A date the zone skipped whole (Apia's 2011-12-30) has no reset of its own: it begins
        // with the day after, so a noon reset does not run at the midnight after the gap too.
        let lastWallBefore = high - 1 + zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(high - 1)))
        let firstWallAfter = high + zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(high)))
        if lastWallBefore < day.dayNumber * 86_400, firstWallAfter >= (day.dayNumber + 1) * 86_400 {
            return start(of: day.adding(days: 1))
        }
        return Date(timeIntervalSince1970: Double(high))
    }

    /// The first boundary after `instant`.
    public func next(after instant: Date) -> Date {
        var day = self.day(at: instant).adding(days: 1)
        var boundary = start(of: day)
        // A day a zone skipped (Apia's 2011-12-30) starts when the next one does: go on to it.
        while boundary <= instant {
            day = day.adding(days: 1)
            boundary = start(of: day)
        }
        return boundary
    }

    /// `day`'s reset time by the wall clock, as seconds since 1970 read as if in UTC.
    private func naive(_ day: LocalDate) -> Int { day.dayNumber * 86_400 + resetMinutes * 60 }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// The hour of the local day (0–23) at `instant`, by the wall clock.
    public func hour(at instant: Date) -> Int { calendar.component(.hour, from: instant) }

    /// The wall time at `instant` with the offset in force, as an audit trail writes it:
    /// "2026-03-08 03:00 UTC-4", "2025-06-02 00:00 UTC+5:45", "2025-06-11 00:00 UTC". From the
    /// zone's offset, not its abbreviation, which Foundation on Linux gives as "GMT-4" for EDT
    /// and, for some historic instants (Apia's +14 on 2011-12-31), the wrong offset.
    public func wallClock(at instant: Date) -> String {
        let offset = zone.secondsFromGMT(for: instant)
        let wall = Int(instant.timeIntervalSince1970.rounded(.down)) + offset
        let date = LocalDate(dayNumber: Self.floorDiv(wall, 86_400))
        let seconds = wall - date.dayNumber * 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var label = "UTC"
        if offset != 0 {
            let minutes = abs(offset) / 60
            label += (offset < 0 ? "-" : "+") + "\(minutes / 60)" + (minutes % 60 == 0 ? "" : ":" + two(minutes % 60))
        }
        return "\(date.iso) \(two(seconds / 3600)):\(two(seconds % 3600 / 60)) \(label)"
    }
}
