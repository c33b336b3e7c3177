import Domain
import Postgres
import Web

enum SignUpHandlers {
    /// GET /signup
    static let form: Handler = { ctx in page(ctx) }

    static func page(_ ctx: RequestContext, error: String? = nil) -> Outcome {
        var context = AccountFlow.kept(ctx, ["email", "username"])
        if let error { context["error"] = .text(error) }
        return Views.page("signup", title: "Sign up", context, ctx: ctx, status: error == nil ? .ok : .unprocessableEntity)
    }

    /// POST /signup: validates, then answers "check your email" whether or not the address is
    /// known. Nothing is created here: the mail job sends a new address a confirmation link that
    /// carries the sign-up (see MailToken.issueSignUp), and a known one a "you already have an
    /// account" note. The account is made when the link is used, by whoever proves the address.
    static let submit: Handler = { ctx in
        let (emailText, usernameText, password) = (try ctx.field("email"), try ctx.field("username"), try ctx.field("password"))
        let email: EmailAddress
        let username: Username
        do throws(EmailAddress.Problem) { email = try EmailAddress(validating: emailText) } catch { return page(ctx, error: error.description) }
        do throws(Username.Problem) { username = try Username(validating: usernameText) } catch { return page(ctx, error: error.description) }
        if let problem = AccountFlow.passwordProblem(ctx, password) { return page(ctx, error: problem) }
        // Counted before the hash, so refused and failing attempts cost a flood its budget too.
        try AccountFlow.spend(ctx, Throttle.addressKey("signup", address: ctx.request.remoteAddress), limit: Throttle.Limit.addressMails)
        try AccountFlow.spend(ctx, Throttle.accountKey("mail", email: email.value), limit: Throttle.Limit.accountMails)
        let users = UserStore(database: ctx.services.database)
        // Only accounts hold names, and only proven addresses have accounts, so this reply says
        // nothing about the address typed.
        if try ctx.services.database.withConnection({ try users.usernameTaken(username, on: $0) }) {
            return page(ctx, error: "That username is taken. Please choose another.")
        }
        let hash = try ctx.services.passwordWork.hash(password)
        try ctx.services.database.transaction { conn in
            try AccountMail.request(.signUp(username: username.value, passwordHash: hash, session: ctx.session.hash), email: email.value, on: conn)
        }
        return AccountFlow.checkEmail(ctx, "We sent a link to confirm your address. Open it to finish signing up.")
    }
}
