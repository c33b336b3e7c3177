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
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int((state >> 33) % UInt64(bound))
            }
            #expect(RoomCode(parsing: code.display) == code)
            seen.formUnion(code.value)
        }
        #expect(seen == Set(RoomCode.alphabet))
    }
}
