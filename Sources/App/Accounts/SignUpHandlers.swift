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
    /// new. A new address gets an unconfirmed account; the mail job sends a confirmation link
    /// to a new address and a "you already have an account" note to a known one.
    static let submit: Handler = { ctx in
        let (emailText, usernameText, password) = (try ctx.field("email"), try ctx.field("username"), try ctx.field("password"))
        let email: EmailAddress
        let username: Username
        do throws(EmailAddress.Problem) { email = try EmailAddress(validating: emailText) } catch { return page(ctx, error: error.description) }
        do throws(Username.Problem) { username = try Username(validating: usernameText) } catch { return page(ctx, error: error.description) }
        if let problem = AccountFlow.passwordProblem(ctx, password) { return page(ctx, error: problem) }
        try AccountFlow.checkAddress(ctx, "signup", limit: Throttle.Limit.addressMails)
        // Hashing comes before anything that depends on whether the address exists.
        let hash = try ctx.services.hasher.hash(password)
        let users = UserStore(database: ctx.services.database)
        let taken: Bool = try ctx.services.database.transaction { conn in
            // A taken name is refused whoever holds it, so the reply never links a name to an address.
            if try users.usernameTaken(username, on: conn) { return true }
            if try users.find(email: email.value, on: conn) == nil {
                guard try users.create(email: email, username: username, displayName: username.value, passwordHash: hash,
                                       verified: false, on: conn) != nil else { return true }
            }
            try AccountMail.request("signup", email: email.value, passwordHash: hash, on: conn)
            return false
        }
        if taken { return page(ctx, error: "That username is taken. Please choose another.") }
        ctx.services.throttle.count(Throttle.addressKey("signup", address: ctx.request.remoteAddress))
        return AccountFlow.checkEmail(ctx, "We sent a link to confirm your address. Open it to finish signing up.")
    }
}
