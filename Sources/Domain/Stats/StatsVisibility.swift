/// Who may see someone's stats page (`users.stats_visibility`). The owner always sees it.
public enum StatsVisibility: String, Sendable, CaseIterable {
    case everyone
    /// The owner's friends (a friendship, both ways) and the owner.
    case friends
    case onlyMe = "only_me"

    /// The choices the settings page offers.
    public static let offered: [StatsVisibility] = [.everyone, .friends, .onlyMe]

    /// From the database; anything unknown is the most private choice.
    public init(stored: String) { self = StatsVisibility(rawValue: stored) ?? .onlyMe }

    /// A value a settings form sent: only the offered choices.
    public init?(choice: String) {
        guard let value = StatsVisibility(rawValue: choice), Self.offered.contains(value) else { return nil }
        self = value
    }

    /// Whether a viewer sees the page: the owner always, a friend when it is for friends, anyone
    /// when it is public.
    public func admits(isOwner: Bool, isFriend: Bool = false) -> Bool {
        switch self {
        case .everyone: return true
        case .friends: return isOwner || isFriend
        case .onlyMe: return isOwner
        }
    }

    /// Whether friendship matters to the answer (so it is asked only then).
    public var asksFriendship: Bool { self == .friends }
}
