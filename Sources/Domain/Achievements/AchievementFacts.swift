import Foundation

/// What the achievement rules look at for one person. Three parts, each with one source:
/// - the tally's (sessions, best streak, best day), from their `FocusTally`;
/// - counts of completed sessions with company (`teamSessions`, `hostedSessions`);
/// - the local hours in which sessions were completed.
///
/// From the whole ledger (backfill, an adopted guest's credit) every part covers every row. In the
/// crediting transaction the tally is the freshly folded one, the counts are the ledger's before
/// the batch (capped at `Achievement.countedSessions`) with the batch's completed sessions `count`ed
/// on top, and the hours are the batch's alone: an hour seen before was rewarded then, so only a new
/// one can earn something new.
public struct AchievementFacts: Sendable, Equatable {
    public var sessions = 0
    public var streakBest = 0
    public var bestDaySeconds = 0
    public var teamSessions = 0
    public var hostedSessions = 0
    /// 0–23, by the wall clock of the zone each session was credited in.
    public var completionHours: Set<Int> = []

    public init() {}

    public init(tally: FocusTally) {
        sessions = tally.sessions
        streakBest = tally.streakBest
        bestDaySeconds = tally.bestDaySeconds
    }

    /// A completed focus session as the rules see it: when it ended, in which zone, with whom.
    public struct Session: Sendable, Equatable {
        public let end: Date
        public let zone: String
        public let peoplePresent: Int
        public let hosted: Bool

        public init(end: Date, zone: String, peoplePresent: Int, hosted: Bool) {
            self.end = end
            self.zone = zone
            self.peoplePresent = peoplePresent
            self.hosted = hosted
        }

        /// In a room with at least `Achievement.teamPeople` present.
        public var withTeam: Bool { peoplePresent >= Achievement.teamPeople }
        /// Hosted, and somebody else was there.
        public var hostedForOthers: Bool { hosted && peoplePresent >= Achievement.hostPeople }
    }

    /// Adds one completed session's counts and hour (the tally's part comes from the tally).
    public mutating func count(_ session: Session) {
        if session.withTeam { teamSessions += 1 }
        if session.hostedForOthers { hostedSessions += 1 }
        if let boundary = DayBoundary(zoneName: session.zone) { completionHours.insert(boundary.hour(at: session.end)) }
    }

    /// The rules this person meets, in display order.
    public var earned: [Achievement] { Achievement.allCases.filter { $0.isEarned(by: self) } }

    /// One ledger row as the facts see it.
    public struct Row: Sendable, Equatable {
        public let credit: FocusTally.Credit
        public let peoplePresent: Int
        public let hosted: Bool

        public init(credit: FocusTally.Credit, peoplePresent: Int = 1, hosted: Bool = false) {
            self.credit = credit
            self.peoplePresent = peoplePresent
            self.hosted = hosted
        }
    }

    /// The facts of a whole ledger, folded in order from nothing: the reference the backfill's
    /// set-based SQL must agree with.
    public static func folding(_ rows: [Row]) -> AchievementFacts {
        var tally = FocusTally()
        var counted = AchievementFacts()
        for row in rows {
            tally.add(row.credit)
            if row.credit.completed {
                counted.count(Session(end: row.credit.end, zone: row.credit.zone, peoplePresent: row.peoplePresent, hosted: row.hosted))
            }
        }
        var facts = AchievementFacts(tally: tally)
        facts.teamSessions = counted.teamSessions
        facts.hostedSessions = counted.hostedSessions
        facts.completionHours = counted.completionHours
        return facts
    }
}
