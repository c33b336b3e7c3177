import Testing

@testable import Domain

@Suite("Display names")
struct DisplayNameTests {
    @Test func normalisesSpacesAndComposition() throws {
        #expect(try DisplayName(validating: "  Ada \t  Lovelace ").value == "Ada Lovelace")
        // "e" + combining acute becomes the single precomposed "é".
        #expect(try DisplayName(validating: "Ame\u{301}lie").value == "Am\u{E9}lie")
        #expect(try DisplayName(validating: String(repeating: "🍅", count: 40)).value.count == 40)
    }

    @Test(arguments: [
        ("", DisplayName.Problem.empty),
        ("   ", .empty),
        (String(repeating: "a", count: 41), .tooLong(max: 40)),
        ("evil\u{202E}gnp.exe", .forbiddenCharacter),
        ("zero\u{200B}width", .forbiddenCharacter),
        ("bell\u{7}", .forbiddenCharacter),
        ("bom\u{FEFF}", .forbiddenCharacter),
        ("private\u{E000}", .forbiddenCharacter),
    ])
    func refusesDeceptiveOrBadNames(_ input: String, _ problem: DisplayName.Problem) {
        #expect(throws: problem) { try DisplayName(validating: input) }
    }

    @Test func keepsMarkupAsPlainText() throws {
        // Escaping is the view's job; the name itself is kept exactly as typed.
        #expect(try DisplayName(validating: "<b>Bob</b>").value == "<b>Bob</b>")
    }
}
