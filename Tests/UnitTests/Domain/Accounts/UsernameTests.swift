import Testing

@testable import Domain

@Suite("Usernames")
struct UsernameTests {
    @Test(arguments: [("alice", "alice"), ("Alice_99", "Alice_99"), ("ａｌｉｃｅ", "alice"), ("  bob-1 ", "bob-1"), ("ＡＢＣ１２３", "ABC123")])
    func normalisesWithNFKC(_ typed: String, _ stored: String) throws {
        #expect(try Username(validating: typed).value == stored)
    }

    @Test func comparisonIgnoresCase() throws {
        #expect(try Username(validating: "Alice").key == Username(validating: "aLICE").key)
    }

    @Test(arguments: [
        "аlice",  // Cyrillic а
        "al\u{200B}ice",  // zero-width space
        "al\u{202E}ice",  // right-to-left override
        "al ice", "al.ice", "_alice", "-alice", "alice<script>", "ali'ce", "al\u{0}ice", "ålice",
    ])
    func refusesOtherCharacters(_ typed: String) {
        #expect(throws: Username.Problem.characters) { try Username(validating: typed) }
    }

    @Test(arguments: ["", "ab", String(repeating: "a", count: 31)])
    func refusesBadLengths(_ typed: String) {
        #expect(throws: Username.Problem.length) { try Username(validating: typed) }
    }

    @Test(arguments: ["admin", "ADMIN", "Root", "settings", "ＡＤＭＩＮ", "pomopomo", "null"])
    func refusesReservedNames(_ typed: String) {
        #expect(throws: Username.Problem.reserved) { try Username(validating: typed) }
    }

    @Test(arguments: [("octo.cat", "octo-cat"), ("a", "a-focus"), ("Jöhn Smith", "J-hn-Smith"), ("__x__", "x-focus")])
    func suggestsValidNames(_ login: String, _ expected: String) {
        #expect(Username.suggestion(from: login)?.value == expected)
    }
}
