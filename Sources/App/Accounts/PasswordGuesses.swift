import Web

/// Wrong passwords typed for one account from one address, counted the same way wherever a
/// password is checked (sign-in, and re-typing it before a sensitive change), so a left-open
/// session is no back door for guessing. Checked before the hash runs.
struct PasswordGuesses {
    let throttle: Throttle
    let accountKey: String
    let addressKey: String

    init(_ ctx: RequestContext, email: String) {
        throttle = ctx.services.throttle
        accountKey = Throttle.accountKey("login", email: email)
        addressKey = Throttle.addressKey("login", address: ctx.request.remoteAddress)
    }

    /// 429 when this account or this address has had too many wrong guesses.
    func refuseIfBlocked() throws {
        if let wait = throttle.blocked(accountKey, limit: Throttle.Limit.accountFailures)
            ?? throttle.blocked(addressKey, limit: Throttle.Limit.addressFailures)
        {
            throw ClientError.tooManyRequests(retryAfter: wait)
        }
    }

    func wrong() {
        throttle.count(accountKey)
        throttle.count(addressKey)
    }

    /// The right password: the account's count starts over (the address's does not, or one
    /// account of the guesser's own would reset it).
    func right() {
        throttle.clear(accountKey)
    }
}
