import Foundation

/// An email address as people type it: trimmed, one "@", a dotted domain, nothing invisible.
/// We do not try to be RFC 5322; the confirmation mail is the real check.
public struct EmailAddress: Hashable, Sendable {
    public static let maxLength = 254
    public let value: String
    /// Addresses are matched without regard to case.
    public var key: String { value.lowercased() }

    public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init(validating raw: String) throws(Problem) {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { throw Problem(description: "Please enter your email address.") }
        if text.utf8.count > Self.maxLength { throw Problem(description: "An email address can be at most \(Self.maxLength) characters long.") }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        let visible = text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && !DisplayName.isForbidden($0) }
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), visible, !text.contains("<"), !text.contains(">"), !text.contains(",")
        else {
            throw Problem(description: "That does not look like an email address (like name@example.org).")
        }
        value = text
    }
}
