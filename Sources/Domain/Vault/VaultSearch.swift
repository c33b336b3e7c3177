import Foundation

/// A search in the owner's own quotes: a substring of the text or source, any case. It becomes
/// an ILIKE pattern with `\`, `%` and `_` escaped, so what is typed is matched as typed.
public struct VaultSearch: Sendable, Equatable {
    public let text: String

    /// nil for an empty search.
    public init?(validating raw: String) throws(VaultRefusal) {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return nil }
        if text.count > VaultLimits.searchLength {
            throw .invalid("A search can be at most \(VaultLimits.searchLength) characters long.")
        }
        if text.unicodeScalars.contains(where: TypedText.isHidden) {
            throw .invalid("A search cannot contain control characters.")
        }
        self.text = text
    }

    /// `%…%` with the pattern characters escaped (ILIKE's default escape is the backslash).
    public var likePattern: String {
        var out = "%"
        for c in text {
            if c == "\\" || c == "%" || c == "_" { out.append("\\") }
            out.append(c)
        }
        return out + "%"
    }
}
