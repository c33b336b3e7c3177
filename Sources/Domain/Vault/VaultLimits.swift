/// The vault's bounds (issue 14). The migration's checks repeat the stored ones as a last line.
public enum VaultLimits {
    /// Quotes one account may keep; counted under a lock on the account's row.
    public static let quotesPerAccount = 2000
    /// A quote's text, in characters as people see them.
    public static let bodyLength = 4000
    /// Code points behind those characters: a character heaped with combining marks stays small.
    public static let bodyCodePoints = 16_000
    public static let sourceLength = 200
    public static let tagsPerQuote = 10
    public static let tagLength = 32
    /// How many times more likely a favourite is to be drawn than any other quote.
    public static let favouriteWeight = 3
    /// An import (pasted or uploaded), checked before it is parsed.
    public static let importBytes = 256 * 1024
    /// A search, in characters.
    public static let searchLength = 100
    /// Quotes on one page of the list.
    public static let pageSize = 50
}
