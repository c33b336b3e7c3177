/// Whose personal timer: an account's, or a guest browser session's (until it signs up or in).
enum PersonalTimerOwner: Sendable, Equatable {
    case user(String)
    case guest(sessionHash: [UInt8])
}
