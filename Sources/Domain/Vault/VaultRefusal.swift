/// Why the vault says no. Stores and rules throw it; `ErrorMapping` gives it its HTTP face.
public enum VaultRefusal: Error, Sendable, Equatable {
    /// Absent, or someone else's: the two answer alike (404).
    case noSuchQuote
    /// What was typed breaks a rule (422); the message says which.
    case invalid(String)
    /// The quote changed since the form was loaded (409).
    case stale
    /// The account holds `limit` quotes already (422).
    case full(Int)

    public var message: String {
        switch self {
        case .noSuchQuote: return "There is no such quote in your vault."
        case .invalid(let why): return why
        case .stale: return "This quote was changed elsewhere (another tab?) since you opened it."
        case .full(let limit): return "Your vault holds \(Self.grouped(limit)) quotes, its limit. Delete some to add others."
        }
    }

    /// 2000 as "2,000" (Foundation's formatters follow the machine's locale).
    public static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
