import Domain
import Foundation
import Postgres
import Sodium
import Testing

@testable import App

/// Awards through the real crediting transaction (`FocusLedger.credit`), adoption and backfill.
@Suite("Achievements awarded as credit is written", TestEnvironment.requirement)
struct AchievementAwardTests {
    let pool = TestEnvironment.pool

    func claim(
        _ userID: String?, people: Int = 1, hosted: Bool = false, completed: Bool = true, seconds: Int = 1500
    )
        -> FocusLedger.Claim
    {
        FocusLedger.Claim(
            userID: userID, sessionHash: Sodium.randomBytes(32), seconds: seconds, completed: completed, peoplePresent: people,
            hosted: hosted)
    }

    @discardableResult
    func credit(_ claims: [FocusLedger.Claim], endingAt end: Date) throws -> [FocusCredit] {
        try pool.transaction { conn in try FocusLedger.credit(claims, source: .room, roomID: nil, endedAt: end, on: conn) }
    }

    /// The account's achievements and when each was earned (epoch seconds).
    func earned(_ userID: String) throws -> [String: Double] {
        var result: [String: Double] = [:]
        for row in try pool.query(
            "SELECT achievement, extract(epoch FROM earned_at)::float8 FROM user_achievements WHERE user_id = $1", [userID])
        {
            result[row.string(0)] = Double(row.string(1))
        }
        return result
    }

    /// `count` accounts made in one statement (the tests of crowds need many).
    func accounts(_ count: Int) throws -> [String] {
        let tag = String(UUID().uuidString.prefix(8)).lowercased()
        return try pool.query(
            """
            INSERT INTO users (email, username, display_name, email_verified_at)
            SELECT 'aw-' || $1 || '-' || i || '@example.test', 'aw-' || $1 || '-' || i, 'Crowd ' || i, now()
            FROM generate_series(1, $2) AS i RETURNING id
            """, [tag, count]
        ).map { $0.string(0) }.sorted()
    }

    static let hourAgo = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 - 3600)
    /// 1 June 2026, 12:00 UTC (the test accounts' zone).
    static let noon = Date(timeIntervalSince1970: 1_780_315_200)

    @Test func aCompletedSessionEarnsFirstFocusOnceAtTheMomentItEnds() throws {
        let people = try accounts(3)
        let end = Self.noon
        try credit(people.map { claim($0, people: 4) } + [claim(nil, people: 4)], endingAt: end)
        for id in people {
            #expect(try earned(id) == ["first_focus": end.timeIntervalSince1970])
        }
        // More credit, even a completed session, awards nothing twice.
        try credit(people.map { claim($0, people: 4) }, endingAt: end.addingTimeInterval(1800))
        for id in people { #expect(try earned(id).keys.sorted() == ["first_focus"]) }
    }

    @Test func creditThatCompletesNothingEarnsNoFirstFocus() throws {
        let id = try accounts(1)[0]
        try credit([claim(id, completed: false)], endingAt: Self.hourAgo)
        #expect(try earned(id) == [:])
    }

    @Test func theTenthSessionWithCompanyEarnsTeamPlayerAndHost() throws {
        let people = try accounts(3)
        let host = people[0]
        let first = Self.noon  // so no session earns Early Bird or Night Owl
        func session(_ i: Int) throws {
            // Ten minutes each: ten sessions stay under Marathoner's four hours.
            try credit(
                people.map { claim($0, people: 3, hosted: $0 == host, seconds: 600) }, endingAt: first.addingTimeInterval(Double(i) * 1800))
        }
        for i in 0..<9 { try session(i) }
        #expect(try earned(host).keys.sorted() == ["first_focus"])
        try session(9)
        let tenth = first.addingTimeInterval(9 * 1800).timeIntervalSince1970
        #expect(try earned(host) == ["first_focus": first.timeIntervalSince1970, "team_player": tenth, "host": tenth])
        #expect(try earned(people[1]).keys.sorted() == ["first_focus", "team_player"])

        // The whole ledger says the same as the batches did.
        try pool.query("DELETE FROM user_achievements WHERE user_id = ANY($1::uuid[])", ["{" + people.joined(separator: ",") + "}"])
        for id in people { try pool.transaction { conn in try AchievementAwards.catchUp(userID: id, on: conn) } }
        #expect(try earned(host).keys.sorted() == ["first_focus", "host", "team_player"])
        #expect(try earned(people[2]).keys.sorted() == ["first_focus", "team_player"])
    }

    @Test func aThousandPeopleInOneBatchAllEarnFirstFocus() throws {
        let people = try accounts(1000)
        try credit(people.map { claim($0, people: 1000, hosted: $0 == people[0]) }, endingAt: Self.hourAgo)
        let awarded = try pool.query(
            "SELECT count(*) FROM user_achievements WHERE user_id = ANY($1::uuid[]) AND achievement = 'first_focus'",
            ["{" + people.joined(separator: ",") + "}"]
        ).first!.int(0)
        #expect(awarded == 1000)
    }

    @Test func aGuestsCreditEarnsNothingUntilItIsAdoptedThenEverythingItMeets() throws {
        let id = try accounts(1)[0]
        let guest = Sodium.randomBytes(32)
        // 04:30 UTC: an early bird in the guests' zone (UTC).
        let dawn = Date(timeIntervalSince1970: (Self.hourAgo.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400 - 86_400 + 4.5 * 3600)
        try credit(
            [FocusLedger.Claim(userID: nil, sessionHash: guest, seconds: 1500, completed: true, peoplePresent: 1, hosted: false)],
            endingAt: dawn)
        #expect(try earned(id) == [:])
        let before = Date()
        #expect(try pool.transaction { conn in try FocusLedger.adopt(sessionHash: guest, userID: id, on: conn) })
        let got = try earned(id)
        #expect(got.keys.sorted() == ["early_bird", "first_focus"])
        #expect(got.values.allSatisfy { $0 >= before.timeIntervalSince1970 - 1 }, "dated when they were awarded")
    }

    @Test func backfillAwardsALedgerWrittenBeforeTheRulesAndIsIdempotent() throws {
        let id = try accounts(1)[0]
        // Written straight into the ledger, as if before achievements existed: a night owl at 23:10 in Tokyo.
        try pool.query(
            """
            INSERT INTO focus_credits (user_id, source, started_at, ended_at, seconds, local_day, time_zone, completed)
            VALUES ($1, 'room', '2026-01-10 13:45:00+00', '2026-01-10 14:10:00+00', 1500, '2026-01-10', 'Asia/Tokyo', true)
            """, [id])
        // Another account's row names a zone this PostgreSQL does not know: its hour is left out, the run goes on.
        let elsewhere = try accounts(1)[0]
        try pool.query(
            """
            INSERT INTO focus_credits (user_id, source, started_at, ended_at, seconds, local_day, time_zone, completed)
            VALUES ($1, 'timer', '2026-01-10 03:45:00+00', '2026-01-10 04:10:00+00', 1500, '2026-01-10', 'Zone/Nowhere', true)
            """, [elsewhere])
        for account in [id, elsewhere] { try pool.transaction { conn in try FocusLedger.rebuild(userID: account, on: conn) } }
        #expect(try earned(id) == [:])
        // Small pages, so the run crosses page boundaries (other suites' accounts are in the database too).
        let first = try AchievementAwards.backfill(database: pool, pageSize: 7)
        #expect(first.awarded >= 3)
        let awarded = try earned(id)
        #expect(awarded.keys.sorted() == ["first_focus", "night_owl"])
        #expect(try earned(elsewhere).keys.sorted() == ["first_focus"])
        let again = try AchievementAwards.backfill(database: pool, pageSize: 7)
        #expect(again.accounts >= first.accounts)
        #expect(try earned(id) == awarded, "awarded once: the second run changed nothing, not even the dates")
    }
}
