/// Something a person earns once by focusing, stored by name in `user_achievements.achievement`.
/// Each case's rule is a question about `AchievementFacts`, which the crediting transaction (for
/// the batch it just wrote) and the backfill (for a whole ledger) answer alike. A new case needs
/// only its rule here; `pomopomo achievements backfill` then awards it to everyone who earned it.
public enum Achievement: String, Sendable, CaseIterable {
    case firstFocus = "first_focus"
    case earlyBird = "early_bird"
    case nightOwl = "night_owl"
    case marathoner
    case streak7 = "streak_7"
    case streak30 = "streak_30"
    case centurion
    case teamPlayer = "team_player"
    case host

    /// The stored name, or nil for one this version does not know (a newer responder's, or a rule
    /// since retired): it is neither shown nor awarded again.
    public init?(stored: String) { self.init(rawValue: stored) }

    /// Local hours, by the wall clock of the zone the session was credited in. Early Bird is the
    /// early morning, not the small hours, which belong to Night Owl: the two never overlap.
    public static let earlyBirdHours: Set<Int> = [4, 5, 6]
    public static let nightOwlHours: Set<Int> = [22, 23, 0, 1, 2, 3]
    /// Marathoner: focus credited on one local day (a day of 23 or 25 hours counts what it had).
    public static let marathonSeconds = 4 * 3600
    /// Team Player counts completed sessions with at least this many people present (the person included).
    public static let teamPeople = 3
    /// Host counts completed sessions the person hosted with at least this many present: someone joined.
    public static let hostPeople = 2
    /// Sessions Team Player and Host each need. Counting stops here, so a batch's counts cost the
    /// same for someone with ten sessions as for someone with ten thousand.
    public static let countedSessions = 10

    public var title: String {
        switch self {
        case .firstFocus: return "First Focus"
        case .earlyBird: return "Early Bird"
        case .nightOwl: return "Night Owl"
        case .marathoner: return "Marathoner"
        case .streak7: return "7-Day Streak"
        case .streak30: return "30-Day Streak"
        case .centurion: return "Centurion"
        case .teamPlayer: return "Team Player"
        case .host: return "Host"
        }
    }

    /// What it took, in a sentence.
    public var summary: String {
        switch self {
        case .firstFocus: return "Completed a first focus session."
        case .earlyBird: return "Completed a focus session between 04:00 and 07:00 local time."
        case .nightOwl: return "Completed a focus session between 22:00 and 04:00 local time."
        case .marathoner: return "Focused for 4 hours in one day."
        case .streak7: return "Kept a focus streak for 7 days."
        case .streak30: return "Kept a focus streak for 30 days."
        case .centurion: return "Completed 100 focus sessions."
        case .teamPlayer: return "Completed 10 focus sessions in rooms with at least 3 people."
        case .host: return "Hosted 10 focus sessions that others joined."
        }
    }

    /// The rule.
    public func isEarned(by facts: AchievementFacts) -> Bool {
        switch self {
        case .firstFocus: return facts.sessions >= 1
        case .earlyBird: return !facts.completionHours.isDisjoint(with: Self.earlyBirdHours)
        case .nightOwl: return !facts.completionHours.isDisjoint(with: Self.nightOwlHours)
        case .marathoner: return facts.bestDaySeconds >= Self.marathonSeconds
        case .streak7: return facts.streakBest >= 7
        case .streak30: return facts.streakBest >= 30
        case .centurion: return facts.sessions >= 100
        case .teamPlayer: return facts.teamSessions >= Self.countedSessions
        case .host: return facts.hostedSessions >= Self.countedSessions
        }
    }
}
