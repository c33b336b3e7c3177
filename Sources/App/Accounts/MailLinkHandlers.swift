import Domain
import Postgres
import Web

/// The pages mailed links open. Opening a link changes nothing (mail scanners open links too);
/// its page has one button that does. Every token is checked before any password is hashed.
enum MailLinkHandlers {
    static let invalid = ClientError.badRequest("This link is not valid: it may have expired or been used already. You can ask for a new one.")

    static func title(_ purpose: MailPurpose) -> (title: String, button: String, text: String) {
        switch purpose {
        case .verify: return ("Confirm your email", "Confirm my email", "Confirm your address to finish signing up. You will be signed in.")
        case .magic: return ("Sign in", "Sign in", "Sign in to Pomopomo on this device.")
        case .reset:
            return (
                "Choose a new password", "Save password and sign in",
                "Choose a new password. Every device signed in to this account will be signed out."
            )
        case .delete:
            return (
                "Delete your account", "Delete my account for good", "This deletes your account, your profile and your settings. It cannot be undone."
            )
        }
    }

    /// GET /auth/{verify,magic,reset,delete}?token=…
    static func page(_ purpose: MailPurpose) -> Handler {
        { ctx in
            let token = ctx.request.query.values("token").first ?? ""
            guard let claim = try MailToken.peek(token, purpose, database: ctx.services.database) else { throw invalid }
            return try linkPage(ctx, purpose, token: token, claim: claim)
        }
    }

    /// The link's page, naming the account it acts on, so nobody is signed in to an account
    /// they did not expect.
    static func linkPage(
        _ ctx: RequestContext, _ purpose: MailPurpose, token: String, claim: MailToken.Claim,
        error: String? = nil
    ) throws -> Outcome {
        let t = title(purpose)
        var context: TemplateContext = [
            "action": .text("/auth/" + purpose.rawValue), "token": .text(token), "heading": .text(t.title),
            "button": .text(t.button), "text": .text(t.text), "wants_password": .bool(purpose == .reset),
            "danger": .bool(purpose == .delete),
        ]
        if let userID = claim.userID, let account = try UserStore(database: ctx.services.database).find(id: userID) {
            context["account_username"] = .text(account.username)
            context["account_email"] = .text(account.email)
        } else if let email = claim.email, let username = claim.username {
            context["account_username"] = .text(username)
            context["account_email"] = .text(email)
        }
        if purpose == .verify, claim.passwordHash != nil, !claim.typedHere(ctx.session) {
            // Opened in another browser than the sign-up: the password is adopted only if typed
            // again, so a sign-up someone else made with this address sets nothing.
            context["asks_signup_password"] = .bool(true)
        }
        if let error { context["error"] = .text(error) }
        return Views.page("mail_link", title: t.title, context, ctx: ctx, status: error == nil ? .ok : .unprocessableEntity)
    }

    /// POST /auth/{verify,magic,reset,delete}: uses the token up and does what it is for.
    static func confirm(_ purpose: MailPurpose) -> Handler {
        { ctx in
            let services = ctx.services
            let token = try ctx.field("token")
            // The cheap check first: a forged or spent token never reaches a hash.
            guard let claim = try MailToken.peek(token, purpose, database: services.database) else { throw invalid }
            var newHash: String? = nil
            var adopt = false
            switch purpose {
            case .reset:
                let password = try ctx.field("password")
                if let problem = AccountFlow.passwordProblem(ctx, password) {
                    return try linkPage(ctx, purpose, token: token, claim: claim, error: problem)
                }
                try AccountFlow.spend(
                    ctx, Throttle.addressKey("link-password", address: ctx.request.remoteAddress), limit: Throttle.Limit.addressAttempts)
                newHash = try services.passwordWork.hash(password)
            case .verify where claim.passwordHash != nil:
                if claim.typedHere(ctx.session) {
                    adopt = true
                } else if try ctx.field("without_password") != "1" {
                    let typed = try ctx.field("signup_password")
                    try AccountFlow.spend(
                        ctx, Throttle.addressKey("link-password", address: ctx.request.remoteAddress),
                        limit: Throttle.Limit.addressAttempts)
                    guard !typed.isEmpty, try services.passwordWork.verify(String(typed.prefix(512)), against: claim.passwordHash!) else {
                        return try linkPage(
                            ctx, purpose, token: token, claim: claim,
                            error:
                                "That is not the password this sign-up was made with. Type the one you chose when you signed up, or confirm without it and choose a new password afterwards."
                        )
                    }
                    adopt = true
                }
            default:
                break
            }
            var deleted: AccountFlow.Deleted? = nil
            var deletedUserID: String? = nil
            let used: Bool = try services.database.transaction { conn in
                guard let claim = try MailToken.consume(token, purpose, on: conn) else { return false }
                let users = UserStore(database: services.database)
                switch purpose {
                case .verify:
                    let userID = try signUp(ctx, claim, adoptPassword: adopt, on: conn)
                    try AccountFlow.signIn(ctx, userID: userID, on: conn)
                case .magic:
                    // Opening the mail proves the address too.
                    try AccountFlow.prove(ctx, claim.userID!, on: conn)
                    try AccountFlow.signIn(ctx, userID: claim.userID!, on: conn)
                case .reset:
                    try AccountFlow.prove(ctx, claim.userID!, on: conn)
                    try users.setPassword(claim.userID!, hash: newHash!, on: conn)
                    ctx.announceAfterCommit(try AccountSessions.endOthers(userID: claim.userID!, keep: nil, on: conn))
                    try AccountFlow.signIn(ctx, userID: claim.userID!, on: conn)
                case .delete:
                    deleted = try AccountFlow.delete(ctx, claim.userID!, on: conn)
                    deletedUserID = claim.userID
                }
                return true
            }
            guard used else { throw invalid }
            if purpose == .delete {
                deleted?.removeFiles(services: services)
                if let deletedUserID { services.leaderboards.remove(userID: deletedUserID) }
                ctx.signedOut()
                return .response(.redirect(to: "/"))
            }
            return .response(.redirect(to: "/me"))
        }
    }

    /// A confirmation link was used: the account for its address now exists and is proven.
    /// The sign-up's password is set only when `adoptPassword` (typed in this browser, or typed
    /// again on the link's page), and only on an account whose address was not proven before.
    static func signUp(_ ctx: RequestContext, _ claim: MailToken.Claim, adoptPassword: Bool, on conn: PostgresConnection) throws -> String {
        let users = UserStore(database: ctx.services.database)
        let password = adoptPassword ? claim.passwordHash : nil
        // Links mailed before sign-ups carried themselves name their account; others its address.
        let existing = try claim.userID.map { try users.find(id: $0, on: conn) } ?? claim.email.flatMap { try users.find(email: $0, on: conn) }
        if let existing {
            try AccountFlow.prove(ctx, existing.id, on: conn)
            if !existing.emailVerified, let password { try users.setPassword(existing.id, hash: password, on: conn) }
            return existing.id
        }
        guard claim.userID == nil, let emailText = claim.email, let email = try? EmailAddress(validating: emailText),
            let name = claim.username, let username = try? Username(validating: name)
        else { throw invalid }
        // The name was free at sign-up; if someone took it since, the nearest free one.
        let free = try users.freeUsername(from: username, on: conn)
        guard let userID = try users.create(email: email, username: free, displayName: free.value, passwordHash: password, on: conn) else {
            throw ClientError.badRequest("This address or name was taken at this very moment. Please open the link again.")
        }
        return userID
    }
}
