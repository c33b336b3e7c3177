/// What a break was for (seed 004's BreakActivityCategory), stored as its raw value.
public enum BreakActivity: String, Sendable, CaseIterable, Codable {
    case teaCoffee = "tea_coffee"
    case phone, walk, food, rest, other

    public init?(form: String) { self.init(rawValue: form) }

    public var words: String {
        switch self {
        case .teaCoffee: return "Tea or coffee"
        case .phone: return "Phone"
        case .walk: return "Walk"
        case .food: return "Food"
        case .rest: return "Rest"
        case .other: return "Other"
        }
    }
}
