/// A YouTube video id as Piped names a stream (the seed's pipedId): 11 characters of
/// `A–Z a–z 0–9 _ -`. Anything else never reaches the catalogue or the database.
public struct PipedID: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public init?(_ text: String) {
        guard text.utf8.count == 11,
            text.utf8.allSatisfy({ c in
                (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
            })
        else { return nil }
        value = text
    }

    public var description: String { value }
}
