import Domain
import Foundation
import Logging
import QRCode
import Sodium
import Web

/// Admins' second factor (issue 17): enrolment with a QR code, the code form every admin session
/// passes once, and new recovery codes. Codes are counted against the rate limit before any is
/// checked, and read against the wall clock (never a test's instant: they are about real time).
enum TwoFactorHandlers {
    static let issuer = "Pomopomo"

    /// GET /admin/2fa: the code form. An admin with no second factor yet is sent to set one up,
    /// and one whose session passed it already goes on to where they were going.
    static let verifyForm: Handler = { ctx in
        let (user, _) = try admin(ctx)
        let next = TwoFactorGate.destination(ctx.request.query.values("next").first)
        if user.secondFactorPassed { return .response(.redirect(to: next)) }
        guard try store(ctx).enrolment(userID: user.id) != nil else {
            return .response(.redirect(to: "/admin/2fa/enrol?next=" + PercentDecoding.encode(next)))
        }
        return TwoFactorViews.verify(ctx, next: next)
    }

    /// POST /admin/2fa: a code from the app, or a recovery code (used up here).
    static let verify: Handler = { ctx in
        let (user, keys) = try admin(ctx)
        let next = TwoFactorGate.destination(try ctx.field("next"))
        try ctx.limit(ctx.services.config.rateLimits.twoFactorCodes)
        let store = store(ctx)
        guard let enrolment = try store.enrolment(userID: user.id) else {
            return .response(.redirect(to: "/admin/2fa/enrol?next=" + PercentDecoding.encode(next)))
        }
        try refuseWhileLocked(enrolment)
        do {
            switch try SecondFactorInput(typed: try ctx.field("code"), allowRecovery: true) {
            case .totp(let code):
                let step = try acceptedStep(code, enrolment, user: user, keys: keys)
                guard try store.accept(step: step, userID: user.id, sessionHash: ctx.session.hash) else { throw SecondFactorRefusal.reusedCode }
                log(ctx, user, "admin second factor passed", how: "totp")
            case .recovery(let code):
                switch try store.useRecoveryCode(hash: keys.recoveryHash(code, userID: user.id), userID: user.id, sessionHash: ctx.session.hash) {
                case .accepted: log(ctx, user, "admin second factor passed", how: "recovery code")
                case .alreadyUsed: throw SecondFactorRefusal.usedRecoveryCode
                case .unknown: throw SecondFactorRefusal.wrongCode
                }
            }
        } catch let refusal as SecondFactorRefusal where status(refusal) == .unprocessableEntity {
            log(ctx, user, "admin second factor refused", how: "\(refusal)", level: .warning)
            try store.noteFailure(userID: user.id)
            return TwoFactorViews.verify(ctx, next: next, error: refusal.message)
        }
        return .response(.redirect(to: next))
    }

    /// GET /admin/2fa/enrol: a new secret as a QR code and as text. Nothing is stored yet: the
    /// secret travels sealed in the form, and counts once the admin types its first code.
    static let enrolForm: Handler = { ctx in
        let (user, keys) = try admin(ctx)
        let next = TwoFactorGate.destination(ctx.request.query.values("next").first)
        if try store(ctx).enrolment(userID: user.id) != nil {
            return .response(.redirect(to: "/admin/2fa?next=" + PercentDecoding.encode(next)))
        }
        return try TwoFactorViews.enrol(ctx, user: user, keys: keys, secret: Sodium.randomBytes(TOTP.secretBytes), next: next)
    }

    /// POST /admin/2fa/enrol: the first code proves the app holds the secret; then it is stored,
    /// this session has passed, and the recovery codes are shown, this once.
    static let enrol: Handler = { ctx in
        let (user, keys) = try admin(ctx)
        let next = TwoFactorGate.destination(try ctx.field("next"))
        try ctx.limit(ctx.services.config.rateLimits.twoFactorCodes)
        let store = store(ctx)
        if try store.enrolment(userID: user.id) != nil {
            return .response(.redirect(to: "/admin/2fa?next=" + PercentDecoding.encode(next)))
        }
        guard let secret = keys.openPending(try ctx.field("pending"), userID: user.id, sessionHash: ctx.session.hash) else {
            throw ClientError.unprocessable("This set-up form has expired or was not made for this session. Open /admin/2fa/enrol again.")
        }
        let step: Int64
        do {
            guard case .totp(let code) = try SecondFactorInput(typed: try ctx.field("code"), allowRecovery: false) else {
                throw SecondFactorRefusal.malformed(allowRecovery: false)
            }
            guard case .accepted(let accepted) = TOTP.check(code, secret: secret, atUnixSeconds: unixNow(), lastUsedStep: nil) else {
                throw SecondFactorRefusal.wrongCode
            }
            step = accepted
        } catch let refusal as SecondFactorRefusal {
            log(ctx, user, "admin two-factor enrolment refused", how: "\(refusal)", level: .warning)
            return try TwoFactorViews.enrol(ctx, user: user, keys: keys, secret: secret, next: next, error: refusal.message)
        }
        let codes = newRecoveryCodes()
        let enrolled = try store.enrol(
            userID: user.id, sealedSecret: keys.seal(secret: secret, userID: user.id), step: step,
            recoveryHashes: codes.map { keys.recoveryHash($0, userID: user.id) }, sessionHash: ctx.session.hash)
        guard enrolled else { return .response(.redirect(to: "/admin/2fa?next=" + PercentDecoding.encode(next))) }
        log(ctx, user, "admin enrolled in two-factor", how: "totp")
        return TwoFactorViews.recoveryCodes(ctx, codes: codes, next: next, enrolled: true, left: codes.count)
    }

    /// GET /admin/2fa/recovery-codes: how many are left, and the form for new ones.
    static let recoveryForm: Handler = { ctx in
        let (user, _) = try admin(ctx)
        return TwoFactorViews.recoveryCodes(
            ctx, codes: [], next: "/admin", enrolled: false, left: try store(ctx).unusedRecoveryCodes(userID: user.id))
    }

    /// POST /admin/2fa/recovery-codes: a code from the app replaces every recovery code with ten
    /// new ones, shown this once.
    static let regenerate: Handler = { ctx in
        let (user, keys) = try admin(ctx)
        try ctx.limit(ctx.services.config.rateLimits.twoFactorCodes)
        let store = store(ctx)
        guard let enrolment = try store.enrolment(userID: user.id) else { throw SecondFactorRefusal.unreadable }
        try refuseWhileLocked(enrolment)
        let codes = newRecoveryCodes()
        do {
            guard case .totp(let code) = try SecondFactorInput(typed: try ctx.field("code"), allowRecovery: false) else {
                throw SecondFactorRefusal.malformed(allowRecovery: false)
            }
            let step = try acceptedStep(code, enrolment, user: user, keys: keys)
            let hashes = codes.map { keys.recoveryHash($0, userID: user.id) }
            guard try store.regenerate(userID: user.id, step: step, hashes: hashes) else { throw SecondFactorRefusal.reusedCode }
        } catch let refusal as SecondFactorRefusal where status(refusal) == .unprocessableEntity {
            log(ctx, user, "admin recovery codes refused", how: "\(refusal)", level: .warning)
            try store.noteFailure(userID: user.id)
            return TwoFactorViews.recoveryCodes(
                ctx, codes: [], next: "/admin", enrolled: false, left: try store.unusedRecoveryCodes(userID: user.id), error: refusal.message)
        }
        log(ctx, user, "admin recovery codes replaced", how: "totp")
        return TwoFactorViews.recoveryCodes(ctx, codes: codes, next: "/admin", enrolled: false, left: codes.count)
    }

    // MARK: - Shared steps

    /// The signed-in admin (the route's guard let them through) and the server's keys.
    private static func admin(_ ctx: RequestContext) throws -> (CurrentUser, TwoFactorKeys) {
        guard let user = try ctx.user, user.isAdmin else { throw ClientError.notFound("There is nothing at this address.") }
        guard let keys = ctx.services.twoFactorKeys else { throw SecondFactorRefusal.notConfigured }
        return (user, keys)
    }

    private static func store(_ ctx: RequestContext) -> TwoFactorStore { TwoFactorStore(database: ctx.services.database) }

    /// The step `code` belongs to, if it is right and newer than the last one used.
    private static func acceptedStep(_ code: String, _ enrolment: TwoFactorStore.Enrolment, user: CurrentUser, keys: TwoFactorKeys) throws -> Int64 {
        guard let secret = keys.open(enrolment.sealedSecret, userID: user.id) else { throw SecondFactorRefusal.unreadable }
        switch TOTP.check(code, secret: secret, atUnixSeconds: unixNow(), lastUsedStep: enrolment.lastUsedStep) {
        case .accepted(let step): return step
        case .reused: throw SecondFactorRefusal.reusedCode
        case .wrong: throw SecondFactorRefusal.wrongCode
        }
    }

    /// The account's own count of wrong codes (kept in PostgreSQL), for when Redis is down and
    /// the rate limit lets everything through.
    private static func refuseWhileLocked(_ enrolment: TwoFactorStore.Enrolment) throws {
        if let wait = enrolment.lockedFor {
            throw RateLimited(doing: "entered many wrong two-factor codes", retryAfter: max(1, wait))
        }
    }

    private static func newRecoveryCodes() -> [String] {
        (0..<RecoveryCode.count).map { _ in RecoveryCode.make(randomBytes: Sodium.randomBytes(RecoveryCode.length)) }
    }

    private static func unixNow() -> Int64 { Int64(Date().timeIntervalSince1970.rounded(.down)) }

    private static func status(_ refusal: SecondFactorRefusal) -> HTTPStatus { ErrorMapping.status(refusal) }

    /// Every outcome is logged with who and from where (a refusal as a warning); never the code.
    private static func log(_ ctx: RequestContext, _ user: CurrentUser, _ message: String, how: String, level: Logger.Level = .notice) {
        ctx.services.logger.log(
            level: level, "\(message)",
            metadata: ["user": "\(user.id)", "how": "\(how)", "address": "\(ctx.request.remoteAddress)"])
    }
}
