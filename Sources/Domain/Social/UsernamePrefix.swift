/// The start of a username, as `/friends?q=` searches by and `?after=` pages from: the
/// characters a username may hold, 1 to 30 of them. Anything else is refused with the reason,
/// since no username could match it.
public struct UsernamePrefix: Equatable, Sendable {
    public let value: String

    /// Lower case: what the index and the friend list's key compare.
    public var key: String { value.lowercased() }

    /// A LIKE pattern for names starting with it (`_` is literal in a username, a wildcard in LIKE).
    public var likePattern: String { key.replacingOccurrences(of: "_", with: "\\_") + "%" }

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case tooLong
        case characters

        public var description: String {
            switch self {
            case .empty: return "it is empty."
            case .tooLong: return "usernames are at most 30 characters long."
            case .characters: return "usernames hold only the letters a–z, digits, “_” and “-”."
            }
        }
    }

    public init(validating raw: String) throws(Problem) {
        guard !raw.isEmpty else { throw .empty }
        guard raw.utf8.count <= 30 else { throw .tooLong }
        guard
            raw.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
            })
        else { throw .characters }
        value = raw
    }
}
