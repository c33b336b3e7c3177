import Domain

/// Who is signed in on this request, read from the sessions table (never from Redis, so losing
/// Redis signs nobody out).
struct CurrentUser: Sendable {
    let id: String
    let username: String
    let displayName: String
    let email: String
    let role: AccountRole
    let theme: String
    let soundOn: Bool
    let timezone: String
    /// Achievements earned and not yet dismissed, oldest first: the notice on every page says so.
    let unseenAchievements: [Achievement]
    /// Unread notices other than direct messages, counted up to 100 (the header's "Notifications (N)").
    let unreadNotifications: Int
    /// New direct messages: the counts of unread message notices, summed over at most 100
    /// conversations (the header's "Messages (M)").
    let unreadMessages: Int
    /// This session passed an admin's second factor (`sessions.second_factor_at`); only the
    /// admin guard asks.
    let secondFactorPassed: Bool

    var isAdmin: Bool { role == .admin }
    /// Admin data shown outside /admin (the report list on /leaderboards) needs what admin pages
    /// need: the role and, in this session, the second factor.
    var canModerate: Bool { isAdmin && secondFactorPassed }
}
