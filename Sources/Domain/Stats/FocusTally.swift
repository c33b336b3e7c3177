import Foundation

/// The seed's UserStats: one person's totals, best day and streak, folded from their ledger
/// rows in order. The crediting transaction folds new rows into the stored tally; a rebuild
/// folds every row from zero through the same code, so the two cannot disagree.
public struct FocusTally: Sendable, Equatable {
    public var totalSeconds = 0
    public var sessions = 0
    /// The latest credit: its day, when it ended and in which zone.
    public var lastDay: LocalDate?
    public var lastCreditAt: Date?
    public var lastZone: String?
    public var streakCurrent = 0
    public var streakBest = 0
    public var freezesBanked = 0
    public var freezesSpent = 0
    public var bestDay: LocalDate?
    public var bestDaySeconds = 0
    /// Seconds credited on `lastDay` so far.
    public var daySeconds = 0
    /// The end of the latest credit: nothing before it is credited again.
    public var creditedUntil: Date?

    /// A freeze is earned with every `freezeEvery` days of streak; at most `maxFreezes` are banked.
    public static let freezeEvery = 7
    public static let maxFreezes = 2

    public init() {}

    /// One ledger row, as the fold sees it.
    public struct Credit: Sendable, Equatable {
        public let day: LocalDate
        public let end: Date
        public let seconds: Int
        public let zone: String
        public let completed: Bool

        public init(day: LocalDate, end: Date, seconds: Int, zone: String, completed: Bool) {
            self.day = day
            self.end = end
            self.seconds = seconds
            self.zone = zone
            self.completed = completed
        }
    }

    public mutating func add(_ credit: Credit) {
        totalSeconds += credit.seconds
        if credit.completed { sessions += 1 }
        if let last = lastDay, credit.day <= last {
            daySeconds += credit.seconds
        } else {
            advanceStreak(to: credit)
            daySeconds = credit.seconds
            lastDay = credit.day
        }
        if daySeconds > bestDaySeconds {
            bestDaySeconds = daySeconds
            bestDay = lastDay
        }
        lastCreditAt = max(lastCreditAt ?? credit.end, credit.end)
        lastZone = credit.zone
        creditedUntil = max(creditedUntil ?? credit.end, credit.end)
    }

    /// A new day with credit: the streak goes on (spending banked freezes on days missed in
    /// between) or starts again at 1.
    private mutating func advanceStreak(to credit: Credit) {
        let missed: Int
        if let lastDay, let lastCreditAt, let lastZone {
            missed = Streak.missedDays(
                from: Streak.Mark(day: lastDay, at: lastCreditAt, zone: lastZone),
                to: Streak.Mark(day: credit.day, at: credit.end, zone: credit.zone))
        } else {
            missed = Int.max
        }
        if missed == 0 {
            streakCurrent += 1
        } else if missed <= freezesBanked {
            freezesBanked -= missed
            freezesSpent += missed
            streakCurrent += 1
        } else {
            streakCurrent = 1
        }
        if streakCurrent % Self.freezeEvery == 0 { freezesBanked = min(Self.maxFreezes, freezesBanked + 1) }
        streakBest = max(streakBest, streakCurrent)
    }

    /// The streak as it stands at `now` for someone in `zone`: missed days are covered by banked
    /// freezes while they last (shown as spent, and spent for good at the next credit); past
    /// them the streak is broken.
    public func streak(at now: Date, zone: String) -> Streak.Standing {
        guard let lastDay, let lastCreditAt, let lastZone, streakCurrent > 0,
            let boundary = DayBoundary(zoneName: zone)
        else { return Streak.Standing(current: 0, freezesBanked: freezesBanked, freezesCovering: 0) }
        let today = max(boundary.day(at: now), lastDay)
        let missed = Streak.missedDays(
            from: Streak.Mark(day: lastDay, at: lastCreditAt, zone: lastZone),
            to: Streak.Mark(day: today, at: now, zone: zone))
        // Today is not missed until it is over: `missed` counts the days strictly between.
        if missed > freezesBanked { return Streak.Standing(current: 0, freezesBanked: freezesBanked, freezesCovering: 0) }
        return Streak.Standing(current: streakCurrent, freezesBanked: freezesBanked - missed, freezesCovering: missed)
    }

    /// When the streak breaks unless something is credited first, if the person stays in their
    /// last zone: the start of the day after the last one freezes can cover.
    public var streakAliveUntil: Date? {
        guard streakCurrent > 0, let lastDay, let lastZone, let boundary = DayBoundary(zoneName: lastZone) else { return nil }
        return boundary.start(of: lastDay.adding(days: freezesBanked + 2))
    }
}
