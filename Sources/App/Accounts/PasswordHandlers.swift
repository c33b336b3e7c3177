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
        try MailRequests.submit(
            ctx, request: .reset, what: "If an account uses this address, we sent it a link to choose a new password. It works once, for one hour."
        ) {
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
        let hash = try services.passwordWork.hash(new)
        try services.database.transaction { conn in
            try users.setPassword(account.id, hash: hash, on: conn)
            ctx.announceAfterCommit(try AccountSessions.endOthers(userID: account.id, keep: ctx.session, on: conn))
            try AccountMail.passwordChanged(account, services: services, on: conn)
        }
        return .response(.redirect(to: "/settings/sessions"))
    }
}
