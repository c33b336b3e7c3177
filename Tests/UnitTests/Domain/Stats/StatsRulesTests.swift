import Testing

@testable import Domain

@Suite("Stats page rules")
struct StatsRulesTests {
    @Test(arguments: [
        ("2025", 2024...2026, 2025 as Int?),
        ("2024", 2024...2026, 2024),
        ("2026", 2024...2026, 2026),
        ("2023", 2024...2026, nil),
        ("2027", 2024...2026, nil),
        ("", 2024...2026, nil),
        ("-2025", 2024...2026, nil),
        ("+2025", 2024...2026, nil),
        ("02025", 2024...2026, nil),
        ("2025 ", 2024...2026, nil),
        ("1e3", 2024...2026, nil),
        ("0x7E9", 2024...2026, nil),
        ("٢٠٢٥", 2024...2026, nil),  // Arabic-Indic digits
        ("9223372036854775808", 2024...2026, nil),
        ("2025' OR '1'='1", 2024...2026, nil),
    ])
    func aYearIsFourDigitsWithinTheOwnersYears(text: String, allowed: ClosedRange<Int>, expected: Int?) {
        #expect((try? StatsYear(validating: text, allowed: allowed))?.value == expected)
        let inForm = text.count == 4 && Int(text) != nil && !text.hasPrefix("+") && !text.hasPrefix("-") && text.allSatisfy(\.isASCII)
        #expect((try? StatsYear.digits(text)) == (inForm ? Int(text) : nil))
    }

    @Test func refusalsSayWhatWouldWork() {
        #expect(throws: StatsYear.Problem.outOfRange(2024...2026)) { try StatsYear(validating: "1999", allowed: 2024...2026) }
        #expect(StatsYear.Problem.outOfRange(2024...2026).description.contains("2024 to 2026"))
        #expect(StatsYear.Problem.outOfRange(2026...2026).description.contains("?year=2026"))
        #expect(StatsYear.Problem.notAYear("abc").description.contains("“abc” is not a year"))
    }

    @Test(arguments: [
        ("everyone", StatsVisibility.everyone, true, true, true),
        ("only_me", .onlyMe, true, false, false),
        ("friends", .friends, true, true, false),
        ("something else", .onlyMe, true, false, false),
    ])
    func visibilityAdmitsTheOwnerAlwaysFriendsWhenForFriendsAndOthersWhenPublic(
        stored: String, value: StatsVisibility, owner: Bool, friend: Bool, others: Bool
    ) {
        let visibility = StatsVisibility(stored: stored)
        #expect(visibility == value)
        #expect(visibility.admits(isOwner: true) == owner)
        #expect(visibility.admits(isOwner: false, isFriend: true) == friend)
        #expect(visibility.admits(isOwner: false) == others)
        #expect(visibility.asksFriendship == (value == .friends))
    }

    @Test func settingsOfferEveryoneFriendsAndOnlyMe() {
        #expect(StatsVisibility(choice: "everyone") == .everyone)
        #expect(StatsVisibility(choice: "only_me") == .onlyMe)
        #expect(StatsVisibility(choice: "friends") == .friends)
        #expect(StatsVisibility(choice: "EVERYONE") == nil)
        #expect(StatsVisibility(choice: "nobody") == nil)
    }

    @Test(arguments: [
        (0, "0 min"), (59, "0 min"), (60, "1 min"), (2_700, "45 min"), (3_599, "59 min"), (3_600, "1 h 00 min"),
        (7_500, "2 h 05 min"), (36_000, "10 h 00 min"), (3_600_000, "1000 h 00 min"), (-5, "0 min"),
    ])
    func durationsReadAsHoursAndMinutes(seconds: Int, text: String) {
        #expect(FocusDuration.text(seconds: seconds) == text)
    }
}
