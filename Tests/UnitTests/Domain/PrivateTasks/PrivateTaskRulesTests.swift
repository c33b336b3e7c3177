import Testing

@testable import Domain

@Suite("Private task rules")
struct PrivateTaskRulesTests {
    @Test func titlesAreOneLineOfAtMost200Characters() throws {
        #expect(try PrivateTaskText.title("  Write\nthe \t  intro ") == "Write the intro")
        #expect(try PrivateTaskText.title(String(repeating: "t", count: 200)).count == 200)
        #expect(throws: PrivateTaskRefusal.self) { try PrivateTaskText.title(String(repeating: "t", count: 201)) }
        #expect(throws: PrivateTaskRefusal.self) { try PrivateTaskText.title("a" + String(repeating: "\u{301}", count: 900)) }
        #expect(try PrivateTaskText.title("👩‍👩‍👧 family") == "👩‍👩‍👧 family")
    }

    @Test(arguments: ["", "  \n ", "nul\u{0}", "bell\u{7}", "evil \u{202E}txt", "\u{2066}isolated", "\u{FEFF}bom"])
    func refusesEmptyOrHiddenCharacters(_ text: String) {
        #expect(throws: PrivateTaskRefusal.self) { try PrivateTaskText.title(text) }
        #expect(throws: PrivateTaskRefusal.self) { try PrivateTaskText.listName(text) }
    }

    @Test func notesKeepLineBreaksAndMayBeEmpty() throws {
        #expect(try PrivateTaskText.notes("  - one\r\n- two\n\n") == "- one\n- two")
        #expect(try PrivateTaskText.notes("   ") == "")
        #expect(try PrivateTaskText.notes(String(repeating: "n", count: 5000)).count == 5000)
        #expect(throws: PrivateTaskRefusal.self) { try PrivateTaskText.notes(String(repeating: "n", count: 5001)) }
        #expect(throws: PrivateTaskRefusal.self) { try PrivateTaskText.notes("a\u{202E}b") }
    }

    @Test func listNamesAreAtMost60Characters() throws {
        #expect(try PrivateTaskText.listName(" Work ") == "Work")
        #expect(throws: PrivateTaskRefusal.self) { try PrivateTaskText.listName(String(repeating: "w", count: 61)) }
    }

    @Test func dueDatesMustExist() throws {
        #expect(try DueDate.parse("") == nil)
        #expect(try DueDate.parse(" 2026-03-01 ") == LocalDate(year: 2026, month: 3, day: 1))
        #expect(try DueDate.parse("2028-02-29") == LocalDate(year: 2028, month: 2, day: 29))
    }

    @Test(arguments: [
        "2026-02-30", "2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "26-03-01", "2026-3-1", "2026/03/01",
        "1999-12-31", "2101-01-01", "+026-03-01", "2026-03-01T00:00", "tomorrow", "２０２６-03-01", "0x10", "1e3",
    ])
    func refusesDatesThatDoNotExistOrAreOutOfRange(_ text: String) {
        #expect(throws: PrivateTaskRefusal.self) { try DueDate.parse(text) }
    }

    @Test func dueStateAgainstToday() {
        let today = LocalDate(year: 2026, month: 3, day: 10)!
        #expect(DueState(due: nil, today: today) == .none)
        #expect(DueState(due: today.adding(days: -1), today: today) == .overdue)
        #expect(DueState(due: today, today: today) == .today)
        #expect(DueState(due: today.adding(days: 1), today: today) == .later)
        #expect(DueState.overdue.words(today.adding(days: -1)) == "Overdue (due 2026-03-09)")
    }

    @Test func placingBeforeAndAfter() {
        let order = ["a", "b", "c", "d"]
        #expect(TaskPlacement.before("b").apply(moving: "d", in: order) == ["a", "d", "b", "c"])
        #expect(TaskPlacement.after("c").apply(moving: "a", in: order) == ["b", "c", "a", "d"])
        #expect(TaskPlacement.after("d").apply(moving: "a", in: order) == ["b", "c", "d", "a"])
        #expect(TaskPlacement.before("a").apply(moving: "b", in: order) == ["b", "a", "c", "d"])
        #expect(TaskPlacement.before("c").apply(moving: "c", in: order) == order)
    }

    @Test func placingNextToATaskOfAnotherListIsRefused() {
        #expect(TaskPlacement.before("x").apply(moving: "a", in: ["a", "b"]) == nil)
        #expect(TaskPlacement.after("a").apply(moving: "x", in: ["a", "b"]) == nil)
    }
}
