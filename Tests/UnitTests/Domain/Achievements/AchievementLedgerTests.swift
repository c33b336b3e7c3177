import Foundation
import Testing

@testable import Domain

/// The rules over real ledgers: rows cut and stamped the way the crediting transaction writes them
/// (`FocusStretch` at the person's day boundary), folded whole as a backfill does, and batch by
/// batch as the crediting transaction does; both must award the same.
@Suite("Achievements earned from a ledger")
struct AchievementLedgerTests {
    /// A wall-clock time ("2026-06-01 06:59:59") in `zone`; a time a DST change skips moves forward.
    static func local(_ text: String, _ zone: String) -> Date {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).map { Int($0)! }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        return calendar.date(
            from: DateComponents(
                year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4], second: parts.count > 5 ? parts[5] : 0))!
    }

    /// A ledger written batch by batch, as `FocusLedger.credit` writes it.
    struct Ledger {
        var tally = FocusTally()
        var batches: [[AchievementFacts.Row]] = []

        mutating func focus(endingAt end: Date, seconds: Int = 25 * 60, zone: String, completed: Bool = true, people: Int = 1, hosted: Bool = false) {
            let pieces = FocusStretch(end: end, seconds: seconds).pieces(
                boundary: DayBoundary(zoneName: zone)!, creditedUntil: tally.creditedUntil, notBefore: tally.lastDay)
            let batch = pieces.map {
                AchievementFacts.Row(
                    credit: FocusTally.Credit(day: $0.day, end: $0.end, seconds: $0.seconds, zone: zone, completed: completed && $0.isLast),
                    peoplePresent: people, hosted: hosted)
            }
            for row in batch { tally.add(row.credit) }
            batches.append(batch)
        }

        mutating func focus(from start: String, to end: String, zone: String) {
            let (from, to) = (local(start, zone), local(end, zone))
            focus(endingAt: to, seconds: Int(to.timeIntervalSince(from)), zone: zone)
        }

        /// What the backfill awards: the whole ledger folded at once.
        var earnedFromWholeLedger: [Achievement] { AchievementFacts.folding(batches.flatMap { $0 }).earned }

        /// What the crediting transaction awards, batch after batch: the folded tally, the counts
        /// of rows before the batch as the store reads them (capped), the batch's sessions on top.
        var earnedBatchByBatch: [Achievement] {
            var tally = FocusTally()
            var (team, hosted) = (0, 0)
            var earned = Set<Achievement>()
            for batch in batches {
                for row in batch { tally.add(row.credit) }
                var facts = AchievementFacts(tally: tally)
                facts.teamSessions = min(team, Achievement.countedSessions)
                facts.hostedSessions = min(hosted, Achievement.countedSessions)
                for row in batch where row.credit.completed {
                    let session = AchievementFacts.Session(
                        end: row.credit.end, zone: row.credit.zone, peoplePresent: row.peoplePresent, hosted: row.hosted)
                    facts.count(session)
                    if session.withTeam { team += 1 }
                    if session.hostedForOthers { hosted += 1 }
                }
                earned.formUnion(facts.earned)
            }
            return Achievement.allCases.filter(earned.contains)
        }

        /// Both ways, which must agree.
        var earned: [Achievement] {
            #expect(earnedFromWholeLedger == earnedBatchByBatch, "backfill and crediting disagree")
            return earnedFromWholeLedger
        }
    }

    @Test(arguments: [
        ("2026-06-01 06:59:59", "Europe/Berlin", [Achievement.firstFocus, .earlyBird]),
        ("2026-06-01 07:00:00", "Europe/Berlin", [.firstFocus]),
        ("2026-06-01 04:00:00", "Europe/Berlin", [.firstFocus, .earlyBird]),
        ("2026-06-01 03:59:59", "Europe/Berlin", [.firstFocus, .nightOwl]),
        ("2026-06-01 21:59:59", "Europe/Berlin", [.firstFocus]),
        ("2026-06-01 22:00:00", "Europe/Berlin", [.firstFocus, .nightOwl]),
        ("2026-06-02 00:10:00", "Europe/Berlin", [.firstFocus, .nightOwl]),  // began the day before
        ("2026-06-01 07:10:00", "Asia/Kolkata", [.firstFocus]),  // began at 06:45: completion is what counts
        // The day the clocks spring forward: 06:59 and 07:00 by the wall clock, an hour closer to midnight.
        ("2026-03-08 06:59:00", "America/New_York", [.firstFocus, .earlyBird]),
        ("2026-03-08 07:00:00", "America/New_York", [.firstFocus]),
    ])
    func earlyBirdAndNightOwlGoByTheLocalTimeASessionIsCompleted(_ end: String, _ zone: String, _ expected: [Achievement]) {
        var ledger = Ledger()
        ledger.focus(endingAt: Self.local(end, zone), zone: zone)
        #expect(ledger.earned == expected)
    }

    @Test(arguments: [
        // 11:30 UTC is 06:30 in New York the day before clocks spring forward, 07:30 that day.
        ("2026-03-07 11:30:00", [Achievement.firstFocus, .earlyBird]),
        ("2026-03-08 11:30:00", [.firstFocus]),
    ])
    func theSameUTCTimeIsEarlyOrNotByTheWallClockOfThatDay(_ utc: String, _ expected: [Achievement]) {
        var ledger = Ledger()
        ledger.focus(endingAt: Self.local(utc, "UTC"), zone: "America/New_York")
        #expect(ledger.earned == expected)
    }

    @Test func theZoneIsTheOneTheRowWasCreditedInNotWhereThePersonIsNow() {
        let instant = Self.local("2026-06-01 21:00:00", "UTC")  // 06:00 in Tokyo, 14:00 in Los Angeles
        var tokyo = Ledger()
        tokyo.focus(endingAt: instant, zone: "Asia/Tokyo")
        var losAngeles = Ledger()
        losAngeles.focus(endingAt: instant, zone: "America/Los_Angeles")
        #expect(tokyo.earned == [.firstFocus, .earlyBird])
        #expect(losAngeles.earned == [.firstFocus])
    }

    @Test func creditThatDidNotCompleteASessionEarnsNoSessionAchievements() {
        var ledger = Ledger()
        ledger.focus(endingAt: Self.local("2026-06-01 06:00:00", "UTC"), zone: "UTC", completed: false, people: 5, hosted: true)
        #expect(ledger.earned == [])
    }

    @Test(arguments: [
        ("2026-06-01 08:00:00", "2026-06-01 12:00:00", "Europe/Berlin", true),  // 4 h exactly
        ("2026-06-01 08:00:01", "2026-06-01 12:00:00", "Europe/Berlin", false),
        ("2026-06-01 22:00:00", "2026-06-02 02:00:00", "Europe/Berlin", false),  // 2 h + 2 h, across midnight
        ("2026-06-01 20:00:00", "2026-06-02 01:00:00", "Europe/Berlin", true),  // 4 h before midnight
        // Clocks spring forward at 02:00: midnight to 05:00 on the wall is 4 h, all on that day.
        ("2026-03-29 00:00:00", "2026-03-29 05:00:00", "Europe/Berlin", true),
        // Clocks fall back at 03:00: 01:00 to 04:00 on the wall is 4 h that day, 3 h on any other.
        ("2026-10-25 01:00:00", "2026-10-25 04:00:00", "Europe/Berlin", true),
        ("2026-10-26 01:00:00", "2026-10-26 04:00:00", "Europe/Berlin", false),
    ])
    func marathonerIsFourHoursCreditedOnOneLocalDay(_ start: String, _ end: String, _ zone: String, _ expected: Bool) {
        var ledger = Ledger()
        ledger.focus(from: start, to: end, zone: zone)
        #expect(ledger.earned.contains(.marathoner) == expected)
    }

    @Test(arguments: [(9, false), (10, true)])
    func marathonerAddsUpTheSessionsOfTheDay(_ sessions: Int, _ expected: Bool) {
        var ledger = Ledger()
        for i in 0..<sessions {
            ledger.focus(endingAt: Self.local("2026-06-01 08:00:00", "UTC").addingTimeInterval(Double(i) * 1800), seconds: 24 * 60, zone: "UTC")
        }
        #expect(ledger.earned.contains(.marathoner) == expected)
    }

    /// One session at noon on each day of `days` (offsets from 1 June).
    static func daily(_ days: [Int], zone: String = "Europe/Berlin") -> Ledger {
        var ledger = Ledger()
        let first = local("2026-06-01 12:00:00", zone)
        for day in days { ledger.focus(endingAt: first.addingTimeInterval(Double(day) * 86_400), zone: zone) }
        return ledger
    }

    @Test(arguments: [
        (Array(0..<6), [Achievement]()),
        (Array(0..<7), [.streak7]),
        (Array(0..<29), [.streak7]),
        (Array(0..<30), [.streak7, .streak30]),
        (Array(0..<6) + [7], []),  // a day missed before a freeze was earned: the streak starts again
        (Array(0..<3) + Array(4..<8), []),  // so is this one: 3 days, then 4
        (Array(0..<7) + [8], [.streak7]),  // a missed day after 7: the freeze covers it
        (Array(0..<7) + Array(8..<31), [.streak7, .streak30]),  // 30 days of focus in 31, one frozen
    ])
    func streaksCountDaysOfFocusWithFreezesCoveringMissedDays(_ days: [Int], _ expected: [Achievement]) {
        #expect(Self.daily(days).earned.filter { $0 == .streak7 || $0 == .streak30 } == expected)
    }

    @Test func aStreakAcrossAFlightIsStillOneStreak() {
        var ledger = Ledger()
        let start = Self.local("2026-06-01 12:00:00", "Asia/Tokyo")
        for day in 0..<4 { ledger.focus(endingAt: start.addingTimeInterval(Double(day) * 86_400), zone: "Asia/Tokyo") }
        // Flies to Los Angeles after noon on the 4th: noon on the 5th there is the 6th in Tokyo, yet
        // no day was lived without focus.
        let landed = Self.local("2026-06-05 12:00:00", "America/Los_Angeles")
        for day in 0..<3 { ledger.focus(endingAt: landed.addingTimeInterval(Double(day) * 86_400), zone: "America/Los_Angeles") }
        #expect(ledger.earned.contains(.streak7))
    }

    @Test(arguments: [(99, false), (100, true)])
    func centurionIsAHundredCompletedSessions(_ sessions: Int, _ expected: Bool) {
        var ledger = Ledger()
        for i in 0..<sessions { ledger.focus(endingAt: Self.local("2026-06-01 12:00:00", "UTC").addingTimeInterval(Double(i) * 3600), zone: "UTC") }
        #expect(ledger.earned.contains(.centurion) == expected)
        #expect(ledger.earned.contains(.firstFocus))
    }

    @Test(arguments: [
        // (sessions, people present, hosted, expected)
        (10, 3, false, [Achievement.teamPlayer]),
        (9, 3, false, []),
        (10, 2, false, []),  // only two people: not a team
        (10, 2, true, [.host]),  // hosted, and someone joined
        (10, 1, true, []),  // hosted alone
        (10, 3, true, [.teamPlayer, .host]),
        (9, 5, true, []),
    ])
    func teamPlayerAndHostCountSessionsWithCompany(_ sessions: Int, _ people: Int, _ hosted: Bool, _ expected: [Achievement]) {
        var ledger = Ledger()
        for i in 0..<sessions {
            ledger.focus(
                endingAt: Self.local("2026-06-01 12:00:00", "UTC").addingTimeInterval(Double(i) * 3600), zone: "UTC", people: people, hosted: hosted)
        }
        #expect(ledger.earned.filter { $0 == .teamPlayer || $0 == .host } == expected)
    }

    @Test func companyCountsAddUpAcrossRoomsOfDifferentSizes() {
        var ledger = Ledger()
        let noon = Self.local("2026-06-01 12:00:00", "UTC")
        for i in 0..<30 {
            ledger.focus(endingAt: noon.addingTimeInterval(Double(i) * 3600), zone: "UTC", people: [1, 2, 3][i % 3], hosted: i % 2 == 0)
        }
        // people 3 on every third session: 10 of them; hosted with company: i even and people ≥ 2 (i % 3 != 0): 10.
        #expect(ledger.earned.contains(.teamPlayer))
        #expect(ledger.earned.contains(.host))
    }
}
