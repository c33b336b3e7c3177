import Testing

@testable import Domain

@Suite("Achievement rules over facts")
struct AchievementRuleTests {
    static func facts(
        sessions: Int = 0, streakBest: Int = 0, bestDaySeconds: Int = 0, team: Int = 0, hosted: Int = 0, hours: Set<Int> = []
    ) -> AchievementFacts {
        var facts = AchievementFacts()
        facts.sessions = sessions
        facts.streakBest = streakBest
        facts.bestDaySeconds = bestDaySeconds
        facts.teamSessions = team
        facts.hostedSessions = hosted
        facts.completionHours = hours
        return facts
    }

    @Test(arguments: [
        (facts(), [Achievement]()),
        (facts(sessions: 1), [.firstFocus]),
        (facts(sessions: 99), [.firstFocus]),
        (facts(sessions: 100), [.firstFocus, .centurion]),
        (facts(bestDaySeconds: 4 * 3600 - 1), []),
        (facts(bestDaySeconds: 4 * 3600), [.marathoner]),
        (facts(streakBest: 6), []),
        (facts(streakBest: 7), [.streak7]),
        (facts(streakBest: 29), [.streak7]),
        (facts(streakBest: 30), [.streak7, .streak30]),
        (facts(team: 9), []),
        (facts(team: 10), [.teamPlayer]),
        (facts(hosted: 9), []),
        (facts(hosted: 10), [.host]),
        (facts(hours: [7, 8, 12, 21]), []),
        (facts(hours: [3]), [.nightOwl]),
        (facts(hours: [4]), [.earlyBird]),
        (facts(hours: [6]), [.earlyBird]),
        (facts(hours: [22]), [.nightOwl]),
        (facts(hours: [0]), [.nightOwl]),
        (facts(hours: [5, 23]), [.earlyBird, .nightOwl]),
    ])
    func earnsExactlyWhatTheFactsMeet(_ facts: AchievementFacts, _ expected: [Achievement]) {
        #expect(facts.earned == expected)
    }

    @Test func storedNamesReadBackAndUnknownOnesAreNil() {
        for achievement in Achievement.allCases {
            #expect(Achievement(stored: achievement.rawValue) == achievement)
            #expect(!achievement.title.isEmpty && achievement.summary.hasSuffix("."))
        }
        #expect(Achievement(stored: "FIRST_FOCUS") == nil)
        #expect(Achievement(stored: "") == nil)
        #expect(Set(Achievement.allCases.map(\.rawValue)).count == Achievement.allCases.count)
    }

    @Test func earlyBirdAndNightOwlHoursNeverOverlapAndLeaveTheDayFree() {
        #expect(Achievement.earlyBirdHours.isDisjoint(with: Achievement.nightOwlHours))
        #expect(Set(0..<24).subtracting(Achievement.earlyBirdHours).subtracting(Achievement.nightOwlHours) == Set(7..<22))
    }

    @Test(arguments: [
        (1, false, false, false), (2, false, false, false), (3, false, true, false), (1, true, false, false),
        (2, true, false, true), (3, true, true, true),
    ])
    func companyIsCountedByWhoWasPresent(_ people: Int, _ hosted: Bool, _ team: Bool, _ hostedForOthers: Bool) {
        let session = AchievementFacts.Session(end: .init(timeIntervalSince1970: 0), zone: "UTC", peoplePresent: people, hosted: hosted)
        #expect(session.withTeam == team)
        #expect(session.hostedForOthers == hostedForOthers)
    }
}
