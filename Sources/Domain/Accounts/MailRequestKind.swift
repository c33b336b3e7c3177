/// What someone asked us to mail an address ("send me a link"), stored in `mail_requests.purpose`
/// (a CHECK allows exactly these) for the mail job to answer. Not a `MailPurpose`: a sign-up to an
/// address that already has an account is answered with a notice and no link, and verify and
/// delete links are never asked for this way.
public enum MailRequestKind: String, Sendable, CaseIterable {
    case signUp = "signup"
    case magic, reset

    /// The value read from the database. Unlike the other states there is no harmless default
    /// for an unknown value (a newer schema's request read by an older responder): any kind
    /// would mail someone a link they did not ask for, so it reads as nil and is not answered.
    public init?(stored: String) { self.init(rawValue: stored) }
}
