import Testing
@testable import Domain

@Suite("Room codes")
struct RoomCodeTests {
    @Test(arguments: ["ABC-DEF", "abcdef", "abc-def", " AbC DeF ", "ABCDEF"])
    func toleratesCaseSpacesAndMissingHyphen(_ typed: String) {
        #expect(RoomCode(parsing: typed)?.display == "ABC-DEF")
    }

    @Test(arguments: ["", "ABCDE", "ABCDEFG", "ABC-DE0", "ABC-DEI", "OOO-OOO", "ABC'--", "ÄBC-DEF", String(repeating: "A", count: 40)])
    func refusesAnythingElse(_ typed: String) {
        #expect(RoomCode(parsing: typed) == nil)
    }

    @Test func randomCodesUseTheWholeAlphabetAndParseBack() {
        var seen = Set<Character>()
        var state: UInt64 = 42
        for _ in 0..<500 {
            let code = RoomCode.random { bound in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Int((state >> 33) % UInt64(bound))
            }
            #expect(RoomCode(parsing: code.display) == code)
            seen.formUnion(code.value)
        }
        #expect(seen == Set(RoomCode.alphabet))
    }
}

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
