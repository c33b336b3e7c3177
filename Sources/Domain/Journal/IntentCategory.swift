/// Why a focus session started (seed 004 §4.3), stored as its raw value.
public enum IntentCategory: String, Sendable, CaseIterable, Codable {
    case coding, writing, studying, planning, reading, other

    /// nil for anything else: a form or an event that names no known intent is refused.
    public init?(form: String) { self.init(rawValue: form) }

    public var words: String {
        switch self {
        case .coding: return "Coding"
        case .writing: return "Writing"
        case .studying: return "Studying"
        case .planning: return "Planning"
        case .reading: return "Reading"
        case .other: return "Other"
        }
    }
}
