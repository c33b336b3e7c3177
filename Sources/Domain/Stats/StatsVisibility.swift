/// Who may see someone's stats page (`users.stats_visibility`). The owner always sees it.
public enum StatsVisibility: String, Sendable, CaseIterable {
    case everyone
    /// Stored for when friendships exist; until then it shows the page to nobody but the
    /// owner, so nothing is shown more widely than the owner chose.
    case friends
    case onlyMe = "only_me"

    /// The choices the settings page offers today ("friends" waits for friendships).
    public static let offered: [StatsVisibility] = [.everyone, .onlyMe]

    /// From the database; anything unknown is the most private choice.
    public init(stored: String) { self = StatsVisibility(rawValue: stored) ?? .onlyMe }

    /// A value a settings form sent: only the offered choices.
    public init?(choice: String) {
        guard let value = StatsVisibility(rawValue: choice), Self.offered.contains(value) else { return nil }
        self = value
    }

    /// Whether a viewer sees the page: the owner always, anyone else only when it is public.
    public func admits(isOwner: Bool) -> Bool { isOwner || self == .everyone }

    /// The offered choice that shows this setting as it acts today.
    public var asOffered: StatsVisibility { self == .everyone ? .everyone : .onlyMe }
}
