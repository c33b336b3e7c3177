import Domain
import Postgres
import Web

enum SignInHandlers {
    /// GET /login
    static let form: Handler = { ctx in page(ctx) }

    static func page(_ ctx: RequestContext, error: String? = nil, status: HTTPStatus = .unprocessableEntity) -> Outcome {
        var context = AccountFlow.kept(ctx, ["email"])
        let next = (try? ctx.field("next")).flatMap { $0.isEmpty ? nil : $0 } ?? ctx.request.query.values("next").first
        context["next_input"] = .text(AccountFlow.safeNext(next))
        context["providers"] = .list(ctx.services.config.oauth.map { ["kind": .text($0.kind.rawValue), "label": .text($0.label)] })
        context["has_providers"] = .bool(!ctx.services.config.oauth.isEmpty)
        if let error { context["error"] = .text(error) }
        return OAuthHandlers.allowingProviderForms(Views.page("login", title: "Sign in", context, ctx: ctx, status: error == nil ? .ok : status), ctx)
    }

    static let wrongCredentials = "The email or password is not right."

    /// POST /login. An unknown email costs the same Argon2id verification as a wrong password,
    /// and gets the same answer. The throttles are checked, and this attempt counted, before the
    /// hash runs.
    static let submit: Handler = { ctx in
        let (emailText, password) = (try ctx.field("email"), try ctx.field("password"))
        guard let email = try? EmailAddress(validating: emailText) else { return page(ctx, error: wrongCredentials) }
        let services = ctx.services
        let guesses = PasswordGuesses(ctx, email: email.value)
        try guesses.refuseIfBlocked()
        try AccountFlow.spend(ctx, Throttle.addressKey("login-try", address: ctx.request.remoteAddress), limit: Throttle.Limit.addressAttempts)
        let users = UserStore(database: services.database)
        let account = try users.find(email: email.value)
        // Before confirming, the password lives in the pending sign-up's link, not in an account.
        // Looked up whatever the account, so the work done does not depend on whether it exists.
        let pending = try MailToken.pendingSignUp(email: email.value, database: services.database)
        let given = String(password.prefix(PasswordPolicy.lengthRange.upperBound * 4))
        let valid = try services.passwordWork.verify(given, against: account?.passwordHash ?? pending?.passwordHash ?? services.dummyHash)
        guard valid, let account, let hash = account.passwordHash, account.emailVerified else {
            if valid, account == nil, let pending, let username = pending.username {
                // Only someone with the right password learns this, so it leaks nothing.
                try services.database.transaction { conn in
                    try AccountMail.request(
                        .signUp(username: username, passwordHash: pending.passwordHash, session: ctx.session.hash),
                        email: email.value, on: conn)
                }
                return page(ctx, error: "Please confirm your email address first: we have sent you a new link.")
            }
            guesses.wrong()
            return page(ctx, error: wrongCredentials)
        }
        try services.database.transaction { conn in
            if services.passwordWork.needsRehash(hash) {
                try users.setPassword(account.id, hash: try services.passwordWork.hash(password), on: conn)
            }
            try AccountFlow.signIn(ctx, userID: account.id, on: conn)
        }
        guesses.right()
        return .response(.redirect(to: AccountFlow.safeNext(try ctx.field("next"))))
    }

    /// POST /login/magic
    static let requestMagicLink: Handler = { ctx in
        try MailRequests.submit(
            ctx, request: .magic, what: "If an account uses this address, we sent it a sign-in link. It works once, for 15 minutes."
        ) {
            page(ctx, error: $0)
        }
    }

    /// POST /logout: the session row goes, so this cookie (or a copy of it) is a guest from now
    /// on, with no say over the room seats it held.
    static let signOut: Handler = { ctx in
        let moved = try ctx.services.database.transaction { conn in try AccountSessions.signOut(ctx.session, on: conn) }
        ctx.announceAfterCommit(moved)
        ctx.signedOut()
        return .response(.redirect(to: "/"))
    }
}
