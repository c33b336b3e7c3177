/// Why a room invite or a favorite was refused. Thrown by the social stores and handlers; the
/// status each gets is decided in App/Core/ErrorMapping.swift.
public enum SocialRefusal: Error, Equatable, Sendable {
    /// A guest seat: invites and favorites belong to accounts.
    case signInFirst(String)
    /// The invite form was sent without choosing anyone.
    case noFriendChosen
    /// Not a friend (or blocked either way, which reads the same: blocking is never revealed).
    case notAFriend(String)
    /// More friends at once than one form may invite.
    case tooManyAtOnce(Int)
    /// The account has starred as many rooms as it may.
    case favoritesFull(Int)
    /// No such favorite of this account (another person's reads the same).
    case noSuchFavorite

    public var message: String {
        switch self {
        case .signInFirst(let what): return "Sign in to \(what)."
        case .noFriendChosen: return "Choose a friend to invite."
        case .notAFriend(let name):
            return "You can invite only your friends, and “\(name)” is not one of them. Send them the room’s link instead."
        case .tooManyAtOnce(let limit): return "Invite at most \(limit) friends at once."
        case .favoritesFull(let limit):
            return "You have starred \(limit) rooms, the most an account may keep. Unstar one on your page first."
        case .noSuchFavorite: return "There is no such favorite room."
        }
    }
}
