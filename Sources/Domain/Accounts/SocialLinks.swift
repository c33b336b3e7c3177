import Foundation

/// The links on a profile: https only, at most five, one per line as typed.
public struct SocialLinks: Equatable, Sendable {
    public static let maxCount = 5
    public static let maxLength = 200
    public let urls: [String]

    public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init(validating text: String) throws(Problem) {
        let lines = text.split(whereSeparator: { $0.isNewline })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if lines.count > Self.maxCount { throw Problem(description: "A profile can have at most \(Self.maxCount) links.") }
        for url in lines {
            if url.utf8.count > Self.maxLength { throw Problem(description: "A link can be at most \(Self.maxLength) characters long.") }
            guard Self.isSafeHTTPS(url) else {
                throw Problem(description: "Links must start with https:// and name a host, like https://example.org/me.")
            }
        }
        urls = lines
    }

    public init(trusted urls: [String]) { self.urls = urls }

    /// https://host[/…] with a plain host and no spaces, quotes, angle brackets or controls.
    static func isSafeHTTPS(_ url: String) -> Bool {
        guard url.lowercased().hasPrefix("https://") else { return false }
        let rest = url.dropFirst(8)
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty, host.contains("."), !host.contains("@"),
            host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":") })
        else { return false }
        return url.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && !"\"'<>\\`".unicodeScalars.contains($0) }
    }
}
