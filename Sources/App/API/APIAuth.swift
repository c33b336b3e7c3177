import Foundation
import Sodium
import Web

typealias APIHandler = @Sendable (RequestContext, APICaller) throws -> Response

/// Who may call the JSON API, checked before its handlers run. A script sends a personal API
/// token (`Authorization: Bearer pp_…`, accounts only); the token alone says whose timer it is,
/// whatever cookie comes with it. A browser uses its session cookie, guest or account, and
/// proves a write came from our own page with the session's CSRF token in `X-CSRF-Token` (a
/// header no other site can set without our CORS consent, which we never give).
enum APIAuth {
    /// "pp_" and 32 random bytes in base64url.
    static let tokenPrefix = "pp_"
    static let tokenLength = 3 + 43

    static func guarded(_ handler: @escaping APIHandler) -> Handler {
        { ctx in .response(try handler(ctx, try caller(ctx))) }
    }

    static func caller(_ ctx: RequestContext) throws -> APICaller {
        if let header = ctx.request.authorization { return try bearer(header, ctx) }
        let request = ctx.request
        guard !ctx.session.isNew else { throw APIRefusal.unauthenticated }
        if request.method != "GET" && request.method != "HEAD" {
            var allowed = [ctx.services.config.baseOrigin]
            if let origin = request.selfOrigin { allowed.append(origin) }
            if CSRFProtector.isCrossSite(origin: request.origin, secFetchSite: request.secFetchSite, allowedOrigins: allowed) {
                throw APIRefusal.crossSite
            }
            guard let token = request.csrfHeader, ctx.services.csrf.isValid(token, forSession: ctx.session.raw) else {
                throw APIRefusal.csrf
            }
        }
        ctx.mustLookUpUser = true
        let device = DeviceCookie(ctx)
        if let user = try ctx.user {
            return APICaller(owner: .user(user.id), zone: user.timezone, device: device.id, deviceCookie: device)
        }
        return APICaller(owner: .guest(sessionHash: ctx.session.hash), zone: "UTC", device: device.id, deviceCookie: device)
    }

    /// A token's account. Failures are counted per address, and an address past the limit is
    /// refused before its token is even looked at.
    private static func bearer(_ header: String, _ ctx: RequestContext) throws -> APICaller {
        let throttle = ctx.services.throttle
        let rule = ctx.services.config.rateLimits.apiTokenFailures
        let key = Throttle.addressKey(rule.kind, address: ctx.request.remoteAddress)
        if let wait = throttle.blocked(key, limit: rule.limit) { throw RateLimited(doing: rule.doing, retryAfter: wait) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", let token = Optional(parts[1].trimmingCharacters(in: .whitespaces)),
            token.utf8.count == tokenLength, token.hasPrefix(tokenPrefix), Base64URL.decode(String(token.dropFirst(3)))?.count == 32,
            let holder = try APITokenStore(database: ctx.services.database).holder(hash: Sodium.sha256(Array(token.utf8)))
        else {
            throttle.count(key)
            throw APIRefusal.invalidToken
        }
        return APICaller(owner: .user(holder.userID), zone: holder.timezone, device: "token:" + holder.tokenID, deviceCookie: nil)
    }

    /// A new token: what the person is shown once, and the hash and hint that are kept.
    static func newToken() -> (token: String, hash: [UInt8], hint: String) {
        let token = tokenPrefix + Base64URL.encode(Sodium.randomBytes(32))
        return (token, Sodium.sha256(Array(token.utf8)), String(token.prefix(10)))
    }
}
