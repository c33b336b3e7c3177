import Domain
import Postgres
import Web

enum PasswordHandlers {
    /// GET /password/forgot
    static let forgotForm: Handler = { ctx in forgotPage(ctx) }

    static func forgotPage(_ ctx: RequestContext, error: String? = nil) -> Outcome {
        var context = AccountFlow.kept(ctx, ["email"])
        if let error { context["error"] = .text(error) }
        return Views.page("forgot", title: "Forgot your password?", context, ctx: ctx, status: error == nil ? .ok : .unprocessableEntity)
    }

    /// POST /password/forgot
    static let forgot: Handler = { ctx in
        try MailRequests.submit(ctx, purpose: "reset", what: "If an account uses this address, we sent it a link to choose a new password. It works once, for one hour.") {
            forgotPage(ctx, error: $0)
        }
    }

    /// GET /settings/password
    static let changeForm: Handler = { ctx in try changePage(ctx) }

    static func changePage(_ ctx: RequestContext, error: String? = nil) throws -> Outcome {
        let account = try AccountFlow.signedInAccount(ctx)
        var context: TemplateContext = ["has_password": .bool(account.passwordHash != nil), "section_password": .bool(true)]
        if let error { context["error"] = .text(error) }
        return Views.page("settings_password", title: "Password", context, ctx: ctx, status: error == nil ? .ok : .unprocessableEntity)
    }

    /// POST /settings/password: needs the current password; every other session ends and the
    /// account's address is told.
    static let change: Handler = { ctx in
        let services = ctx.services
        let users = UserStore(database: services.database)
        let account = try AccountFlow.signedInAccount(ctx)
        guard let current = account.passwordHash else {
            return try changePage(ctx, error: "This account has no password yet. Use “Forgot your password?” to set one by mail.")
        }
        let (given, new) = (try ctx.field("current_password"), try ctx.field("new_password"))
        guard try AccountFlow.confirmPassword(ctx, account, hash: current, given: given) else {
            return try changePage(ctx, error: "Your current password is not right.")
        }
        if let problem = AccountFlow.passwordProblem(ctx, new) { return try changePage(ctx, error: problem) }
        let hash = try services.hasher.hash(new)
        try services.database.transaction { conn in
            try users.setPassword(account.id, hash: hash, on: conn)
            try AccountSessions(database: services.database).endOthers(userID: account.id, keep: ctx.session, on: conn)
            try AccountMail.passwordChanged(account, base: services.config.baseURL, on: conn)
        }
        return .response(.redirect(to: "/settings/sessions"))
    }
}

/// The pages mailed links open. Opening a link changes nothing (mail scanners open links too);
/// its page has one button that does.
enum MailLinkHandlers {
    static let invalid = ClientError.badRequest("This link is not valid: it may have expired or been used already. You can ask for a new one.")

    static func title(_ purpose: MailToken.Purpose) -> (title: String, button: String, text: String) {
        switch purpose {
        case .verify: return ("Confirm your email", "Confirm my email", "Confirm your address to finish signing up. You will be signed in.")
        case .magic: return ("Sign in", "Sign in", "Sign in to Pomopomo on this device.")
        case .reset: return ("Choose a new password", "Save password and sign in", "Choose a new password. Every device signed in to this account will be signed out.")
        case .delete: return ("Delete your account", "Delete my account for good", "This deletes your account, your profile and your settings. It cannot be undone.")
        }
    }

    /// GET /auth/{verify,magic,reset,delete}?token=…
    static func page(_ purpose: MailToken.Purpose) -> Handler {
        { ctx in
            let token = ctx.request.query.values("token").first ?? ""
            guard try MailToken.peek(token, purpose, database: ctx.services.database) != nil else { throw invalid }
            return linkPage(ctx, purpose, token: token)
        }
    }

    static func linkPage(_ ctx: RequestContext, _ purpose: MailToken.Purpose, token: String, error: String? = nil) -> Outcome {
        let t = title(purpose)
        var context: TemplateContext = ["action": .text("/auth/" + purpose.rawValue), "token": .text(token), "heading": .text(t.title),
                                        "button": .text(t.button), "text": .text(t.text), "wants_password": .bool(purpose == .reset),
                                        "danger": .bool(purpose == .delete)]
        if let error { context["error"] = .text(error) }
        return Views.page("mail_link", title: t.title, context, ctx: ctx, status: error == nil ? .ok : .unprocessableEntity)
    }

    /// POST /auth/{verify,magic,reset,delete}: uses the token up and does what it is for.
    static func confirm(_ purpose: MailToken.Purpose) -> Handler {
        { ctx in
            let services = ctx.services
            let token = try ctx.field("token")
            var newHash: String? = nil
            if purpose == .reset {
                let password = try ctx.field("password")
                if let problem = AccountFlow.passwordProblem(ctx, password) {
                    guard try MailToken.peek(token, purpose, database: services.database) != nil else { throw invalid }
                    return linkPage(ctx, purpose, token: token, error: problem)
                }
                newHash = try services.hasher.hash(password)
            }
            let users = UserStore(database: services.database)
            let sessions = AccountSessions(database: services.database)
            var deletedAvatar: String?? = nil
            let used: Bool = try services.database.transaction { conn in
                guard let (userID, typedHash) = try MailToken.consume(token, purpose, on: conn) else { return false }
                switch purpose {
                case .verify:
                    try users.markVerified(userID, on: conn)
                    if let typedHash { try users.setPassword(userID, hash: typedHash, on: conn) }
                    try AccountFlow.signIn(ctx, userID: userID, on: conn)
                case .magic:
                    // Opening the mail proves the address too.
                    try users.markVerified(userID, on: conn)
                    try AccountFlow.signIn(ctx, userID: userID, on: conn)
                case .reset:
                    try users.markVerified(userID, on: conn)
                    try users.setPassword(userID, hash: newHash!, on: conn)
                    try sessions.endOthers(userID: userID, keep: nil, on: conn)
                    try AccountFlow.signIn(ctx, userID: userID, on: conn)
                case .delete:
                    deletedAvatar = try users.delete(userID, on: conn).map { $0.avatarFile }
                }
                return true
            }
            guard used else { throw invalid }
            if purpose == .delete {
                if let file = deletedAvatar ?? nil { Avatars.remove(file, services: services) }
                ctx.signedOut()
                return .response(.redirect(to: "/"))
            }
            return .response(.redirect(to: "/me"))
        }
    }
}
