import Domain

/// A registered person, as the pages need them.
struct Account: Sendable {
    let id: String
    let email: String
    let emailVerified: Bool
    let passwordHash: String?
    let username: String
    let displayName: String
    let bio: String
    let socialLinks: [String]
    let showRecentRooms: Bool
    let avatarFile: String?
    let avatarType: String?
    let theme: String
    let soundOn: Bool
    let timezone: String
    let role: AccountRole
    let createdAt: Double

    var isAdmin: Bool { role == .admin }
    var initials: String {
        let words = displayName.split(separator: " ").prefix(2)
        return words.compactMap { $0.first.map { String($0).uppercased() } }.joined()
    }
}
