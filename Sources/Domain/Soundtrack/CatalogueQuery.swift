import Foundation

/// A catalogue search as typed, cleaned into what is sent and cached: surrounding space trimmed,
/// runs of white space made one space, at most `maxLength` characters. The cache key folds what
/// people cannot tell apart (Unicode compatibility forms, case), so "Ｌｏｆｉ", "LOFI" and
/// "lofi" share one `search:lofi`. Empty text, text with control characters, and text longer than
/// `maxInput` are refused with a message that says which.
public struct CatalogueQuery: Sendable, Hashable {
    public static let maxLength = 100
    /// Longer input is refused outright rather than cut (a 10 kB "search" is not a search).
    public static let maxInput = 500

    /// What is sent to the catalogue.
    public let text: String
    /// What the cache key holds (`search:{key}`): the text in NFKC, lower case.
    public let key: String

    public init(_ typed: String) throws(SoundtrackRefusal) {
        guard typed.utf8.count <= Self.maxInput * 4, typed.count <= Self.maxInput else {
            throw .invalid("A search is at most \(Self.maxLength) characters.")
        }
        guard !typed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\t" && $0 != "\n" && $0 != "\r" })
        else { throw .invalid("A search cannot contain control characters.") }
        let words = typed.split(whereSeparator: { $0.isWhitespace })
        let joined = words.joined(separator: " ")
        guard !joined.isEmpty else { throw .invalid("Type something to search for.") }
        guard joined.count <= Self.maxLength else { throw .invalid("A search is at most \(Self.maxLength) characters.") }
        text = joined
        key = joined.precomposedStringWithCompatibilityMapping.lowercased()
    }
}
