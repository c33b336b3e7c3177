import Foundation

/// A quote's tags as stored: typed as a list separated by commas ("Focus, deep work, #calm"),
/// each trimmed, lower-cased, a leading `#` dropped and inner spaces turned into `-`
/// ("deep-work"); duplicates and empty items are dropped. Letters, digits, `-` and `_` only, so a
/// tag is safe in a URL's query and never holds the comma that separates them.
public struct QuoteTags: Sendable, Equatable {
    public let values: [String]

    public init(validating raw: String) throws(VaultRefusal) {
        var seen: [String] = []
        for item in raw.split(separator: ",", omittingEmptySubsequences: false) {
            guard let tag = try Self.normalised(String(item)) else { continue }
            if !seen.contains(tag) { seen.append(tag) }
        }
        if seen.count > VaultLimits.tagsPerQuote {
            throw .invalid("A quote can have at most \(VaultLimits.tagsPerQuote) tags (this one has \(seen.count)).")
        }
        values = seen
    }

    /// One tag as typed in a filter (`?tag=`): the same normalisation; nil when it is empty.
    public static func normalised(_ raw: String) throws(VaultRefusal) -> String? {
        var text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        if text.hasPrefix("#") { text.removeFirst() }
        text = text.split(whereSeparator: \.isWhitespace).joined(separator: "-")
        if text.isEmpty { return nil }
        if text.count > VaultLimits.tagLength {
            throw .invalid("A tag can be at most \(VaultLimits.tagLength) characters long (“\(String(text.prefix(40)))…” is longer).")
        }
        guard text.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "-" || $0 == "_" })
        else {
            throw .invalid("Tags are made of letters, digits, “-” and “_”, separated by commas.")
        }
        return text
    }

    /// As the forms and the Markdown export show them.
    public var typed: String { values.joined(separator: ", ") }
}
