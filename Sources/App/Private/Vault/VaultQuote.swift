import Foundation

/// One stored quote, as its owner sees it.
struct VaultQuote: Sendable {
    let id: Int
    let body: String
    let source: String
    let tags: [String]
    let favourite: Bool
    let version: Int

    /// Tags hold no comma (QuoteTags), so the joined text splits back exactly.
    init(_ values: (Int, String, String, String, Bool, Int)) {
        id = values.0
        body = values.1
        source = values.2
        tags = values.3.isEmpty ? [] : values.3.split(separator: ",").map(String.init)
        favourite = values.4
        version = values.5
    }
}
