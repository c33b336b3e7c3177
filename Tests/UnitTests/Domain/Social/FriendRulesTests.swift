import Foundation
import Testing

@testable import Domain

@Suite("Friend rules")
struct FriendRulesTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func ago(_ seconds: Double) -> Date { now.addingTimeInterval(-seconds) }

    @Test func aFreshSenderMayAsk() {
        #expect(FriendLimits.refusal(recent: [], pending: 0, declinedAt: nil, now: now) == nil)
        #expect(FriendLimits.refusal(recent: (0..<19).map { ago(Double($0) * 60) }, pending: 99, declinedAt: nil, now: now) == nil)
    }

    @Test func twentyInADayStopTheNextUntilTheOldestCountedLeavesTheWindow() {
        // 20 requests, one an hour from 1 h ago to 20 h ago: the 20th newest (20 h ago) frees a slot in 4 h.
        let recent = (1...20).map { ago(Double($0) * 3600) }
        #expect(FriendLimits.refusal(recent: recent, pending: 0, declinedAt: nil, now: now) == .tooManyToday(retryAfter: 4 * 3600))
        // Older ones (a day and more ago) do not count.
        #expect(FriendLimits.refusal(recent: Array(recent.prefix(19)) + [ago(86_400)], pending: 0, declinedAt: nil, now: now) == nil)
        // Order does not matter; with 25, the 20th newest decides.
        let more = (1...25).map { ago(Double($0) * 600) }.shuffled()
        #expect(FriendLimits.refusal(recent: more, pending: 0, declinedAt: nil, now: now) == .tooManyToday(retryAfter: 86_400 - 20 * 600))
    }

    @Test func ahundredWaitingStopTheNext() {
        #expect(FriendLimits.refusal(recent: [], pending: 100, declinedAt: nil, now: now) == .tooManyPending)
        #expect(FriendRefusal.tooManyPending.retryAfter == FriendLimits.pendingRetryAfter)
    }

    @Test func aDeclinedRequestWaitsThirtyDays() {
        let declined = ago(29 * 86_400)
        #expect(FriendLimits.refusal(recent: [], pending: 0, declinedAt: declined, now: now) == .declinedRecently(retryAfter: 86_400))
        #expect(FriendLimits.refusal(recent: [], pending: 0, declinedAt: ago(30 * 86_400), now: now) == nil)
        #expect(FriendRefusal.declinedRecently(retryAfter: 86_400).message.contains("30 days"))
        // The declined pause is told before the other limits.
        #expect(
            FriendLimits.refusal(recent: (1...20).map { ago(Double($0)) }, pending: 100, declinedAt: declined, now: now)
                == .declinedRecently(retryAfter: 86_400))
    }

    @Test(arguments: [
        (1, "1 second"), (59, "59 seconds"), (60, "1 minute"), (61, "2 minutes"), (7200, "2 hours"), (172_800, "2 days"), (172_801, "3 days"),
    ])
    func waitsAreSaidInWords(seconds: Int, words: String) {
        #expect(FriendLimits.words(seconds: seconds) == words)
    }

    @Test func onlyLimitsCarryARetryAfter() {
        #expect(FriendRefusal.tooManyToday(retryAfter: 5).retryAfter == 5)
        for refusal in [FriendRefusal.yourself, .noSuchPerson, .blocked, .alreadyFriends, .alreadyRequested, .noSuchRequest] {
            #expect(refusal.retryAfter == nil)
            #expect(!refusal.message.isEmpty)
        }
    }

    @Test func aBlockOutranksEverythingElse() {
        #expect(FriendRelation(friends: true, sentID: 1, receivedID: 2, youBlocked: true, blockedYou: true) == .youBlocked)
        #expect(FriendRelation(friends: true, sentID: nil, receivedID: nil, youBlocked: false, blockedYou: true) == .blockedYou)
        #expect(FriendRelation(friends: true, sentID: 1, receivedID: nil, youBlocked: false, blockedYou: false) == .friends)
        #expect(FriendRelation(friends: false, sentID: 1, receivedID: nil, youBlocked: false, blockedYou: false) == .requestSent(id: 1))
        #expect(FriendRelation(friends: false, sentID: nil, receivedID: 2, youBlocked: false, blockedYou: false) == .requestReceived(id: 2))
        #expect(FriendRelation(friends: false, sentID: nil, receivedID: nil, youBlocked: false, blockedYou: false) == .none)
        #expect(FriendRelation.youBlocked.isBlocked && FriendRelation.blockedYou.isBlocked && !FriendRelation.friends.isBlocked)
    }

    @Test func usernamePrefixesHoldOnlyUsernameCharacters() throws {
        #expect(try UsernamePrefix(validating: "Ann_b-1").key == "ann_b-1")
        #expect(try UsernamePrefix(validating: "a_b").likePattern == "a\\_b%")
        #expect(throws: UsernamePrefix.Problem.empty) { try UsernamePrefix(validating: "") }
        #expect(throws: UsernamePrefix.Problem.tooLong) { try UsernamePrefix(validating: String(repeating: "a", count: 31)) }
        for bad in ["a%", "a b", "x' OR '1'='1", "<script>", "ａｂｃ", "é", "a\u{200B}b", "a\\"] {
            #expect(throws: UsernamePrefix.Problem.characters, "\(bad)") { try UsernamePrefix(validating: bad) }
        }
    }

    @Test func friendsAreRankedAsTheBoardRanksThem() {
        let ranked = FriendsBoard.ranked([("a", 10), ("c", 30), ("b", 30), ("d", 5)])
        #expect(ranked.map(\.id) == ["c", "b", "a", "d"])
        #expect(ranked.map(\.place) == [1, 1, 3, 4])
        #expect(FriendsBoard.ranked([]).isEmpty)
    }
}
