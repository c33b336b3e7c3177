import Foundation
import Testing
@testable import Domain
@testable import Web
@testable import App

@Suite("Room rules")
struct RoomRulesTests {
    @Test(arguments: [("1", 60), ("25", 1500), (" 25 ", 1500), ("25:00", 1500), ("1:30", 90), ("240", 14400), ("240:00", 14400)])
    func durationsInRangeParse(_ typed: String, _ seconds: Int) throws {
        #expect(try SegmentDuration(parsing: typed).seconds == seconds)
    }

    @Test(arguments: ["", "0", "0:59", "240:01", "241", "abc", "1:5", "1:60", "-5", "25.5", "1e3", "99999", "٣", "25:00:00"])
    func durationsOutOfRangeOrMalformedAreRefused(_ typed: String) {
        #expect(throws: RoomRuleProblem.self) { try SegmentDuration(parsing: typed) }
    }

    @Test func durationsReadBack() throws {
        #expect(SegmentDuration.text(1500) == "25 min")
        #expect(SegmentDuration.text(90) == "1 min 30 s")
        #expect(SegmentDuration.text(7500) == "2 h 5 min")
        #expect(SegmentDuration.input(90) == "1:30")
        #expect(try SegmentDuration(parsing: SegmentDuration.input(90)).seconds == 90)
    }

    @Test func customSegmentsNeedALabelAndOthersDropIt() throws {
        #expect(throws: RoomRuleProblem.self) { try SegmentSpec(kind: "custom", duration: "5", label: " ", publicTask: "") }
        #expect(try SegmentSpec(kind: "custom", duration: "5", label: "Stretch", publicTask: "").label == "Stretch")
        #expect(try SegmentSpec(kind: "focus", duration: "5", label: "ignored", publicTask: "").label == nil)
        #expect(throws: RoomRuleProblem.self) { try SegmentSpec(kind: "nap", duration: "5", label: "", publicTask: "") }
        #expect(throws: RoomRuleProblem.self) {
            try SegmentSpec(kind: "focus", duration: "5", label: "", publicTask: String(repeating: "x", count: 201))
        }
    }

    @Test func theClassicQueueIsFourPomodorosWithALongBreak() {
        #expect(SegmentSpec.classic.map(\.duration.seconds) == [1500, 300, 1500, 300, 1500, 300, 1500, 900])
        #expect(SegmentSpec.classic.last?.kind == .longBreak)
    }

    @Test func themesAreKnownByName() throws {
        #expect(Theme.allCases.count >= 4)
        #expect(try Theme(validating: "midnight_bloom") == .midnightBloom)
        #expect(throws: RoomRuleProblem.self) { try Theme(validating: "hotdog_stand") }
    }

    @Test func shortTextFoldsSpaceAndRefusesInvisibleCharacters() throws {
        #expect(try ShortText(validating: "  read\n chapter  3 ", what: "A task", max: 200).value == "read chapter 3")
        #expect(throws: RoomRuleProblem.self) { try ShortText(validating: "a\u{202E}b", what: "A task", max: 200) }
        #expect(throws: RoomRuleProblem.self) { try ShortText(validating: String(repeating: "é", count: 501), what: "A message", max: 500) }
        #expect(try ShortText(validating: String(repeating: "é", count: 500), what: "A message", max: 500).value.count == 500)
    }
}

@Suite("Chat formatting")
struct ChatFormatTests {
    @Test func escapesEverything() {
        #expect(ChatFormat.html("<script>alert(1)</script> & \"x\" 'y'").html
                == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;")
    }

    @Test func linksOnlyHTTPAndHTTPSWithSafeRelations() {
        #expect(ChatFormat.html("see https://example.com/a?b=1&c=2.").html
                == "see <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow noopener ugc\" target=\"_blank\">https://example.com/a?b=1&amp;c=2</a>.")
        #expect(!ChatFormat.html("javascript:alert(1)").html.contains("<a"))
        #expect(!ChatFormat.html("data:text/html,<b>x</b>").html.contains("<a"))
        #expect(!ChatFormat.html("xhttps://evil").html.contains("<a"))
    }

    @Test func attributeBreakOutsStayInsideTheLink() {
        let html = ChatFormat.html("https://x.test/\"onmouseover=\"alert(1)").html
        #expect(!html.contains("\"onmouseover"))
        #expect(html.contains("&quot;onmouseover=&quot;alert(1)"))
    }
}

@Suite("Timer maths")
struct TimerMathTests {
    let classic = SegmentSpec.classic.map(\.duration.seconds)
    let focus = SegmentSpec.classic.map { $0.kind == .focus }

    @Test func aSegmentStillRunningDoesNotAdvance() {
        #expect(TimerMath.advance(durationsSec: classic, isFocus: focus, index: 0, msToEnd: 1) == nil)
    }

    @Test func theNextSegmentStartsWhenThePreviousEnded() throws {
        let a = try #require(TimerMath.advance(durationsSec: classic, isFocus: focus, index: 0, msToEnd: -2_000))
        #expect(a.index == 1 && !a.ended)
        #expect(a.msToEnd == 298_000)
        #expect(a.completedFocus.map(\.index) == [0])
        #expect(a.completedFocus.map(\.endedAtMs) == [-2_000])
    }

    @Test func aLongAbsenceCreditsEveryFocusSegmentOnceAndEnds() throws {
        let a = try #require(TimerMath.advance(durationsSec: classic, isFocus: focus, index: 0, msToEnd: -10_000_000))
        #expect(a.ended)
        #expect(a.index == classic.count - 1)
        #expect(a.completedFocus.map(\.index) == [0, 2, 4, 6])
    }

    @Test func breaksAreNotCredited() throws {
        let a = try #require(TimerMath.advance(durationsSec: classic, isFocus: focus, index: 1, msToEnd: 0))
        #expect(a.completedFocus.isEmpty)
        #expect(a.index == 2)
    }
}

@Suite("Room view formatting")
struct RoomViewFormattingTests {
    @Test func clockRoundsUpLikeTheCountdown() {
        #expect(RoomViews.clock(1_500_000) == "25:00")
        #expect(RoomViews.clock(1_499_001) == "25:00")
        #expect(RoomViews.clock(1_499_000) == "24:59")
        #expect(RoomViews.clock(0) == "00:00")
        #expect(RoomViews.clock(3_900_000) == "1:05:00")
    }

    @Test func utcTimesMatchFoundationAcrossCenturiesAndLeapDays() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var state: UInt64 = 7
        let samples: [Int] = [0, 951_782_400_000, 1_709_164_800_000, 4_107_542_399_000] + (0..<500).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 24) % 4_102_444_800_000
        }
        for ms in samples {
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(ms / 1000)))
            #expect(RoomViews.utcTime(ms).iso == expected)
            #expect(RoomViews.utcTime(ms).text == String(expected.dropFirst(11).dropLast()) + " UTC")
        }
    }
}

@Suite("Timer transitions")
struct TimerTransitionTests {
    typealias Effect = TimerTransition.Effect

    /// A queue of 4 segments, at segment 1.
    static func at(_ status: RoomStatus, index: Int = 1, paused: Int? = nil) -> TimerTransition.Position {
        .init(status: status, index: index, segmentCount: 4, pausedRemainingMs: paused)
    }

    /// Every control the host has, from every state the timer can be in: what is written.
    @Test(arguments: [
        (TimerAction.start, at(.idle), Effect.run(index: 1, remainingMs: nil), true),
        (.pause, at(.running), .pause, false),
        (.resume, at(.paused, paused: 90_000), .run(index: 1, remainingMs: 90_000), false),
        (.skip, at(.running), .run(index: 2, remainingMs: nil), true),
        (.skip, at(.paused, paused: 5_000), .run(index: 2, remainingMs: nil), true),
        (.skip, at(.running, index: 3), .finish(at: 3), true),
        (.restart, at(.running), .run(index: 1, remainingMs: nil), false),
        (.restart, at(.paused, paused: 5_000), .run(index: 1, remainingMs: nil), false),
        (.end, at(.idle), .finish(at: 1), true),
        (.end, at(.running), .finish(at: 1), true),
        (.end, at(.paused, paused: 5_000), .finish(at: 1), true),
    ])
    func aControlMovesTheTimer(action: TimerAction, from: TimerTransition.Position, effect: Effect, movesQueue: Bool) throws {
        let transition = try TimerTransition.of(action, seenIndex: from.index, from: from)
        #expect(transition == TimerTransition(effect: effect, movesQueue: movesQueue))
    }

    /// Every control that makes no sense in a state is refused with the reason, as a conflict
    /// with what the page showed.
    @Test(arguments: [
        (TimerAction.start, at(.running), "The timer is already started."),
        (.start, at(.paused, paused: 1_000), "The timer is already started."),
        (.start, at(.ended), "This session has ended."),
        (.pause, at(.idle), "The timer is not running."),
        (.pause, at(.paused, paused: 1_000), "The timer is not running."),
        (.pause, at(.ended), "The timer is not running."),
        (.resume, at(.running), "The timer is not paused."),
        (.resume, at(.idle), "The timer is not paused."),
        (.resume, at(.paused, paused: nil), "The timer is not paused."),
        (.skip, at(.idle), "Start the timer before skipping."),
        (.skip, at(.ended), "Start the timer before skipping."),
        (.restart, at(.idle), "Only a started segment can be restarted."),
        (.restart, at(.ended), "Only a started segment can be restarted."),
        (.end, at(.ended), "This session has already ended."),
    ])
    func aControlThatDoesNotFitTheStateIsRefused(action: TimerAction, from: TimerTransition.Position, reason: String) {
        #expect(throws: RoomRefusal.stale(reason + " Nothing was changed.")) {
            try TimerTransition.of(action, seenIndex: from.index, from: from)
        }
    }

    @Test(arguments: TimerAction.allCases)
    func aClickOnASegmentThePageNoLongerShowsIsRefused(action: TimerAction) {
        #expect(throws: RoomRefusal.self) { try TimerTransition.of(action, seenIndex: 0, from: Self.at(.running)) }
    }
}
