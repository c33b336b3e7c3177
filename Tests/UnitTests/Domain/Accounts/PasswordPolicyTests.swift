import Foundation
import Testing

@testable import Domain

@Suite("Password policy")
struct PasswordPolicyTests {
    let policy = PasswordPolicy(commonList: "#!comment: a list\npassword\nmonkey\niloveyou\nqwerty\n123456\n")

    @Test func lengthIsCountedInCharacters() {
        #expect(throws: PasswordPolicy.Problem.tooShort) { try policy.check("short words") }
        #expect(throws: PasswordPolicy.Problem.tooLong) { try policy.check(String(repeating: "x", count: 129)) }
        #expect(throws: Never.self) { try policy.check("émoji 🍅 tomato time") }
        #expect(throws: Never.self) { try policy.check(String(repeating: "x", count: 127) + "y") }
    }

    @Test(arguments: [
        "password1234", "PASSWORD!!2024", "monkeymonkeymonkey", "1234567890123", "iloveyou2024!", "aaaaaaaaaaaa",
        "--qwerty--12", "123123123123", "0000 0000 0000", "987654321098",
    ])
    func refusesCommonPasswordsDressedUp(_ password: String) {
        #expect(throws: PasswordPolicy.Problem.tooCommon) { try policy.check(password) }
    }

    @Test(arguments: [
        "correct horse battery staple", "tomato-timer-river", "focus on the long run",
        "7391 4820 6159 3827 4610", "🍅🍅🚲🌊🎧📚🌙⭐️🍵🪴🎲🧭",
    ])
    func acceptsLongUncommonOnes(_ password: String) {
        #expect(throws: Never.self) { try policy.check(password) }
    }

    @Test func readsTheDebianList() throws {
        let text = try String(contentsOfFile: "/usr/share/john/password.lst", encoding: .utf8)
        let debian = PasswordPolicy(commonList: text)
        #expect(debian.commonCount > 3000)
        #expect(debian.isCommon("letmein12345"))
    }
}
