import Foundation

/// A quote as someone typed it, checked: the Markdown text (1–4,000 characters, line breaks
/// kept), an optional one-line source and the tags. Control characters and text-direction
/// overrides are refused rather than dropped, so what is stored is what was typed.
public struct QuoteDraft: Sendable, Equatable {
    public let body: String
    public let source: String
    public let tags: QuoteTags

    public init(body rawBody: String, source rawSource: String, tags rawTags: String) throws(VaultRefusal) {
        let body: String
        do {
            body = try TypedText.multiline(rawBody, maxLength: VaultLimits.bodyLength, maxCodePoints: VaultLimits.bodyCodePoints)
        } catch {
            switch error {
            case .hidden: throw .invalid("A quote cannot contain control characters or text-direction overrides.")
            case .empty: throw .invalid("Write the quote first: its text cannot be empty.")
            case .tooLong(let count):
                throw .invalid("A quote can be at most 4,000 characters long (this one has \(VaultRefusal.grouped(count))).")
            case .tooManyParts: throw .invalid("This quote is too long: its characters are built of too many parts (accents, joiners).")
            }
        }
        // The Markdown export separates quotes with this line; a quote holding one would split.
        if body.split(separator: "\n", omittingEmptySubsequences: false).contains(where: { VaultMarkdown.isSeparator($0) }) {
            throw .invalid("A line of just “---” separates quotes in the Markdown export; use “***” for a horizontal rule.")
        }
        let source = rawSource.trimmingCharacters(in: .whitespaces).precomposedStringWithCanonicalMapping
        if source.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\t" || TypedText.isHidden($0) }) {
            throw .invalid("A source is one line without control characters or text-direction overrides.")
        }
        if source.count > VaultLimits.sourceLength {
            throw .invalid("A source can be at most \(VaultLimits.sourceLength) characters long (this one has \(source.count)).")
        }
        self.body = body
        self.source = source
        self.tags = try QuoteTags(validating: rawTags)
    }
}
