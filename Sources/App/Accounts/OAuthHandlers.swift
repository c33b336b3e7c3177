import Domain
import Foundation
import Postgres
import Sodium
import Web

/// Sign-in with GitHub or Google: authorization code + PKCE, `state` bound to this browser's
/// session and usable once.
enum OAuthHandlers {
    static let invalidState = ClientError.badRequest(
        "This sign-in attempt is not valid here: it expired, was already used, or was started in another browser. Please start again from the sign-in page."
    )

    static func provider(_ ctx: RequestContext) throws -> OAuthProvider {
        let name = ctx.request.parameter("provider")
        guard let provider = ctx.services.config.oauth.first(where: { $0.kind.rawValue == name }) else {
            throw ClientError.notFound("There is nothing at this address.")
        }
        return provider
    }

    /// A page with "Continue with …" forms: its CSP lets those forms lead on to the providers.
    static func allowingProviderForms(_ outcome: Outcome, _ ctx: RequestContext) -> Outcome {
        guard case .response(var response) = outcome else { return outcome }
        response.formActionOrigins = ctx.services.config.oauth.map(\.authorizeOrigin)
        return .response(response)
    }

    /// POST /auth/{provider}: off to the provider. A POST with the CSRF token, so no other site
    /// can start a sign-in (or a link to a signed-in account) in someone's browser.
    static let start: Handler = { ctx in
        let provider = try provider(ctx)
        let state = Base64URL.encode(Sodium.randomBytes(32))
        let pkce = OAuthProvider.pkcePair()
        try OAuthStore(database: ctx.services.database).begin(
            state: state, session: ctx.session, provider: provider.kind,
            verifier: pkce.verifier)
        let url = provider.authorizationURL(baseURL: ctx.services.config.baseURL, state: state, challenge: pkce.challenge)
        return .response(Response(status: .seeOther, headers: [("Location", url)]))
    }

    /// GET /auth/{provider}/callback?code=…&state=…
    static let callback: Handler = { ctx in
        let provider = try provider(ctx)
        let services = ctx.services
        let query = ctx.request.query
        guard let state = query.values("state").first, query.values("state").count == 1, MailToken.isWellFormed(state),
            let verifier = try OAuthStore(database: services.database).finish(state: state, session: ctx.session, provider: provider.kind)
        else { throw invalidState }
        if let error = query.values("error").first {
            let reason = error == "access_denied" ? "you chose not to allow it" : "it answered “\(error.prefix(60))”"
            throw ClientError.badRequest("\(provider.label) did not sign you in: \(reason).")
        }
        guard let code = query.values("code").first, !code.isEmpty, code.utf8.count <= 512 else { throw invalidState }
        let identity: OAuthProvider.Identity
        do {
            identity = try provider.identity(code: code, verifier: verifier, baseURL: services.config.baseURL)
        } catch {
            services.logger.warning("oauth exchange failed", metadata: ["provider": "\(provider.kind.rawValue)", "error": "\(error)"])
            throw ClientError.badRequest("\(provider.label) did not confirm the sign-in. Please try again.")
        }
        guard !identity.subject.isEmpty, identity.subject.utf8.count <= 255 else {
            throw ClientError.badRequest("\(provider.label) did not say who you are. Please try again.")
        }
        return try services.database.transaction { conn in try finish(ctx, provider, identity, on: conn) }
    }

    static func finish(
        _ ctx: RequestContext, _ provider: OAuthProvider, _ identity: OAuthProvider.Identity,
        on conn: PostgresConnection
    ) throws -> Outcome {
        let users = UserStore(database: ctx.services.database)
        if let known = try OAuthStore.user(provider: provider.kind.rawValue, subject: identity.subject, on: conn) {
            try AccountFlow.signIn(ctx, userID: known, on: conn)
            return .response(.redirect(to: "/me"))
        }
        let email = identity.email.flatMap { try? EmailAddress(validating: $0) }
        // An address the provider has not verified is only a claim: it never makes, finds or
        // proves an account.
        let provenEmail = identity.emailVerified ? email : nil
        if let user = try ctx.user, let account = try users.find(id: user.id, on: conn) {
            // A new way into a signed-in account is added only after its owner says yes.
            return try consent(ctx, provider, identity, account: account, email: provenEmail, on: conn)
        }
        if let email, let existing = try users.find(email: email.value, on: conn) {
            guard provenEmail != nil else {
                throw ClientError.badRequest(
                    "An account already uses \(email.value), and \(provider.label) has not verified that address, so we cannot connect them. Sign in to that account first, then connect \(provider.label) from your settings."
                )
            }
            return try consent(ctx, provider, identity, account: existing, email: provenEmail, on: conn)
        }
        guard let email else {
            throw ClientError.badRequest(
                "\(provider.label) did not share an email address with us. Make one visible to apps there, or sign up with email.")
        }
        guard let provenEmail else {
            throw ClientError.badRequest(
                "\(provider.label) has not verified \(email.value), so we cannot make an account for it. Verify the address at \(provider.label) and try again, or sign up with email."
            )
        }
        let fallback = try Username(validating: "focus-" + String(UUID().uuidString.prefix(8)).lowercased())
        let base =
            Username.suggestion(from: identity.login ?? "") ?? Username.suggestion(from: String(provenEmail.value.split(separator: "@")[0]))
            ?? fallback
        let username = try users.freeUsername(from: base, on: conn)
        let display =
            (identity.name.flatMap { try? DisplayName(validating: $0) } ?? (try? DisplayName(validating: username.value)))?.value ?? username.value
        guard let userID = try users.create(email: provenEmail, username: username, displayName: display, passwordHash: nil, on: conn) else {
            throw ClientError.badRequest("Signing up with \(provider.label) failed because the account changed meanwhile. Please try again.")
        }
        try link(provider, identity, to: userID, on: conn)
        try AccountFlow.signIn(ctx, userID: userID, on: conn)
        return .response(.redirect(to: "/me"))
    }

    /// The consent page: "Link {provider} to {account}?". `email` is the provider-verified
    /// address, kept with the pending link; it proves the account's address if it is the same.
    static func consent(
        _ ctx: RequestContext, _ provider: OAuthProvider, _ identity: OAuthProvider.Identity, account: Account,
        email: EmailAddress?, on conn: PostgresConnection
    ) throws -> Outcome {
        let pending = Base64URL.encode(Sodium.randomBytes(32))
        try OAuthStore.awaitConsent(
            pending: pending, session: ctx.session, provider: provider.kind, userID: account.id,
            subject: identity.subject, email: email?.value, on: conn)
        return Views.page(
            "link_consent", title: "Link \(provider.label)?",
            [
                "provider": .text(provider.label), "email": .text(account.email), "username": .text(account.username), "pending": .text(pending),
            ], ctx: ctx)
    }

    static func link(_ provider: OAuthProvider, _ identity: OAuthProvider.Identity, to userID: String, on conn: PostgresConnection) throws {
        try OAuthStore.link(provider: provider.kind.rawValue, subject: identity.subject, email: identity.email, to: userID, on: conn)
    }

    /// POST /auth/link: the consent page's "Link and sign in". A provider-verified address that
    /// is the account's own proves it, which ends whatever was set up on it before (see
    /// UserStore.prove); the identity is linked after that, so it survives.
    static let link: Handler = { ctx in
        let pending = try ctx.field("pending")
        guard MailToken.isWellFormed(pending) else { throw invalidState }
        return try ctx.services.database.transaction { conn in
            guard let consent = try OAuthStore.takeConsent(pending: pending, session: ctx.session, on: conn) else { throw invalidState }
            let userID = consent.userID
            let users = UserStore(database: ctx.services.database)
            let linkingOwnAccount = try ctx.user?.id == userID
            if let proven = consent.email, let account = try users.find(id: userID, on: conn), account.email.lowercased() == proven.lowercased() {
                try AccountFlow.prove(ctx, userID, on: conn)
            }
            try OAuthStore.link(provider: consent.provider, subject: consent.subject, email: consent.email, to: userID, on: conn)
            try AccountFlow.signIn(ctx, userID: userID, on: conn)
            return .response(.redirect(to: linkingOwnAccount ? "/settings/account" : "/me"))
        }
    }
}
