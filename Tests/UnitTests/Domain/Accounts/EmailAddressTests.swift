import Foundation
import Testing

@testable import Domain

@Suite("Email addresses")
struct EmailAddressTests {
    @Test(arguments: ["a@example.org", " Name.Last+tag@Sub.Example.org "])
    func acceptsOrdinaryAddresses(_ typed: String) throws {
        #expect(try EmailAddress(validating: typed).value == typed.trimmingCharacters(in: .whitespaces))
    }

    @Test(arguments: [
        "", "plain", "a@b", "@example.org", "a@@example.org", "a b@example.org", "a@example.org\r\nBcc: x@y.z",
        "<a@example.org>", "a@example..", String(repeating: "a", count: 250) + "@example.org", "a\u{202E}@example.org",
    ])
    func refusesTheRest(_ typed: String) {
        #expect(throws: EmailAddress.Problem.self) { try EmailAddress(validating: typed) }
    }
}
