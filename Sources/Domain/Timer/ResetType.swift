/// Why today's count changed other than by a session completing (seed 002's SessionResetType),
/// stored as its raw value in `session_reset_events.reset_type`.
public enum ResetType: String, Sendable, CaseIterable {
    /// The daily reset at the configured time (the sweeper, or a catch-up).
    case automatic
    /// The person set the count by hand (the override).
    case manual
    /// The zone changed and, in the new zone, a reset time had passed since the count's day began.
    case timezoneChange = "timezone_change"
    /// The reset time changed, with the same consequence.
    case configurationChange = "configuration_change"

    public init(stored: String) { self = ResetType(rawValue: stored) ?? .automatic }

    public var words: String {
        switch self {
        case .automatic: return "Daily reset"
        case .manual: return "Set by hand"
        case .timezoneChange: return "Time zone changed"
        case .configurationChange: return "Reset time changed"
        }
    }
}
