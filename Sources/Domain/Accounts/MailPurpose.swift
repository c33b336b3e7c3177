/// What a mailed link does once used: confirm a sign-up's address, sign in, choose a new password,
/// or delete the account. Stored as its raw value in `mail_tokens.purpose` (a CHECK allows exactly
/// these) and named by the link's path, `/auth/{purpose}`. Tokens are only written and matched by
/// purpose, never read back, so unlike the other states there is no `init(stored:)`.
public enum MailPurpose: String, Sendable, CaseIterable {
    case verify, magic, reset, delete
}
