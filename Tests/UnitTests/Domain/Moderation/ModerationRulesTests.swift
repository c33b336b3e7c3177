import Domain
import Testing

@Suite("Moderation rules")
struct ModerationRulesTests {
    @Test func aReasonIsTrimmedLimitedAndPlainText() throws {
        #expect(try ModerationReason(validating: "  spam \n", required: true).value == "spam")
        #expect(try ModerationReason(validating: "", required: false).value == "")
        #expect(throws: ModerationRefusal.self) { try ModerationReason(validating: " \n ", required: true) }
        #expect(throws: ModerationRefusal.self) { try ModerationReason(validating: String(repeating: "x", count: 501), required: false) }
        #expect(try ModerationReason(validating: String(repeating: "é", count: 500), required: false).value.count == 500)
        #expect(throws: ModerationRefusal.self) { try ModerationReason(validating: "a\u{7}b", required: false) }
        #expect(throws: ModerationRefusal.self) { try ModerationReason(validating: "a\u{7F}b", required: false) }
        #expect(try ModerationReason(validating: "line one\nline two\ttab", required: false).value == "line one\nline two\ttab")
    }

    @Test func standingReadsTheStoredSuspension() {
        #expect(AccountStanding(suspendedUntil: nil, now: 1000) == .good)
        #expect(AccountStanding(suspendedUntil: 999, now: 1000) == .good)
        #expect(AccountStanding(suspendedUntil: 2000, now: 1000) == .suspended(until: 2000))
        #expect(AccountStanding(suspendedUntil: .infinity, now: 1000) == .banned)
        #expect(AccountStanding.good.signInRefusal(now: 0) == nil)
        #expect(AccountStanding.banned.signInRefusal(now: 0)?.contains("banned") == true)
        let message = AccountStanding.suspended(until: 86_400 * 3 + 3600).signInRefusal(now: 0) ?? ""
        #expect(message.contains("for another 3 days 1 hour, until 4 Jan 1970, 01:00 UTC"))
    }

    @Test func durationsNameTheTwoLargestUnits() {
        #expect(AccountStanding.duration(30) == "1 minute")
        #expect(AccountStanding.duration(60) == "1 minute")
        #expect(AccountStanding.duration(3600 + 120) == "1 hour 2 minutes")
        #expect(AccountStanding.duration(7200) == "2 hours")
        #expect(AccountStanding.duration(86_400) == "1 day")
        #expect(AccountStanding.duration(86_400 - 0.5) == "1 day")
        #expect(AccountStanding.duration(2 * 86_400 + 3 * 3600 + 59) == "2 days 3 hours")
    }

    @Test func suspensionLengthsAreWhatTheyPromise() {
        #expect(SuspensionLength.allCases.map(\.seconds) == [3600, 86_400, 259_200, 604_800, 2_592_000, 7_776_000])
        #expect(SuspensionLength(rawValue: "7d") == .week)
        #expect(SuspensionLength(rawValue: "8d") == nil)
    }

    @Test func reportActionsFitWhatWasReported() {
        #expect(ReportAction.available(for: .profile, hasAccount: true, hasSeat: false) == [.none, .removeContent, .suspend, .ban, .endSessions])
        #expect(
            ReportAction.available(for: .chatMessage, hasAccount: false, hasSeat: true) == [
                .none, .removeContent, .mute, .removeFromRoom, .closeRoom,
            ])
        #expect(ReportAction.available(for: .chatMessage, hasAccount: true, hasSeat: false).contains(.mute) == false)
        #expect(ReportAction.available(for: .room, hasAccount: false, hasSeat: true) == [.none, .removeContent])
        #expect(ReportSubject.allCases.filter(\.inRoom) == [.chatMessage, .room, .roomTask])
    }
}
