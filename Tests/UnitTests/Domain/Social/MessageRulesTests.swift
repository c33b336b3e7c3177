import Testing

@testable import Domain

@Suite("Direct message rules")
struct MessageRulesTests {
    @Test func trimsAndKeepsLineBreaks() throws {
        #expect(try MessageText(validating: "  hello\r\nthere \n").value == "hello\nthere")
    }

    @Test func countsCharactersAsPeopleSeeThem() throws {
        let family = "👩‍👩‍👧"
        #expect(try MessageText(validating: String(repeating: family, count: 2000)).value.count == 2000)
        #expect(throws: MessageRefusal.self) { try MessageText(validating: String(repeating: "m", count: 2001)) }
        #expect(throws: MessageRefusal.self) { try MessageText(validating: "a" + String(repeating: "\u{301}", count: 16_100)) }
    }

    @Test(arguments: ["", " \n\t ", "a\u{0}b", "ding\u{7}", "evil \u{202E}txt", "\u{2066}isolated", "esc\u{1B}[31m"])
    func refuses(_ text: String) {
        #expect(throws: MessageRefusal.self) { try MessageText(validating: text) }
    }

    @Test func burstsMuteBeforeTheMinuteLimit() {
        #expect(MessagePace.verdict(lastMinute: 7, lastBurst: 7, oldestAgo: 5) == .send)
        #expect(MessagePace.verdict(lastMinute: 8, lastBurst: 8, oldestAgo: 5) == .mute)
        #expect(MessagePace.verdict(lastMinute: 30, lastBurst: 2, oldestAgo: 41) == .wait(19))
        #expect(MessagePace.verdict(lastMinute: 29, lastBurst: 2, oldestAgo: 59) == .send)
    }

    @Test func policyAdmitsFriendsOrAnyone() {
        #expect(MessagePolicy.friends.admits(areFriends: true))
        #expect(!MessagePolicy.friends.admits(areFriends: false))
        #expect(MessagePolicy.anyone.admits(areFriends: false))
        #expect(MessagePolicy(stored: "nonsense") == .friends)
    }

    @Test func mutedUntilIsSaidInUTC() {
        #expect(MessagePace.clock(14 * 3600 + 5 * 60 + 0.2) == "14:06")
        #expect(MessageRefusal.muted(until: 86_400 + 3600, retryAfter: 600).message.hasSuffix("until 01:00 UTC."))
    }
}
