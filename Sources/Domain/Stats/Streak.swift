import Foundation

/// Day streaks across time zones.
public enum Streak {
    /// A moment of credit: the day it was stamped with, when, and in which zone.
    public struct Mark: Sendable, Equatable {
        public let day: LocalDate
        public let at: Date
        public let zone: String

        public init(day: LocalDate, at: Date, zone: String) {
            self.day = day
            self.at = at
            self.zone = zone
        }
    }

    /// The streak shown at a moment.
    public struct Standing: Sendable, Equatable {
        /// Days in the streak (freeze days never count).
        public let current: Int
        /// Freezes still banked after covering the days missed so far.
        public let freezesBanked: Int
        /// Days missed since the last credit that banked freezes are covering.
        public let freezesCovering: Int

        public init(current: Int, freezesBanked: Int, freezesCovering: Int) {
            self.current = current
            self.freezesBanked = freezesBanked
            self.freezesCovering = freezesCovering
        }
    }

    /// Days the person lived through with no credit between two marks. A day counts as missed
    /// only if it passed in both zones: by the calendar stamps, by the earlier mark's zone and by
    /// the later one's. Someone who flies east over the date line skips a calendar day they never
    /// lived, and misses nothing; someone who stays put misses exactly the calendar gap.
    public static func missedDays(from a: Mark, to b: Mark) -> Int {
        let byStamps = b.day - a.day - 1
        var smallest = byStamps
        if let zoneA = DayBoundary(zoneName: a.zone) { smallest = min(smallest, zoneA.day(at: b.at) - a.day - 1) }
        if let zoneB = DayBoundary(zoneName: b.zone) { smallest = min(smallest, b.day - zoneB.day(at: a.at) - 1) }
        return max(0, smallest)
    }
}
