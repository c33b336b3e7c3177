import Testing

@testable import Domain

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
