import Domain
import Web

/// The admin guard's second half, once the user is known to be an admin: nil lets the route
/// run. Without the key (POMOPOMO_TOTP_KEY) no admin page works at all. An admin whose session
/// has not passed the second factor reaches only its own pages (`.adminSecondFactor`): any other
/// page is redirected to the code form (which sends an admin without one to enrol), and any other
/// request is refused and logged, having changed nothing. So a session stolen without the second
/// factor can do nothing admin.
enum TwoFactorGate {
    static func refusal(_ access: Access, _ user: CurrentUser, _ ctx: RequestContext) throws -> Response? {
        guard ctx.services.twoFactorKeys != nil else { throw SecondFactorRefusal.notConfigured }
        if access == .adminSecondFactor || user.secondFactorPassed { return nil }
        let request = ctx.request
        if request.method == "GET" || request.method == "HEAD" {
            return .redirect(to: "/admin/2fa?next=" + PercentDecoding.encode(request.path))
        }
        ctx.services.logger.warning(
            "admin request refused: second factor not passed",
            metadata: ["user": "\(user.id)", "method": "\(request.method)", "path": "\(LogRedaction.uri(request.path))"])
        throw ClientError.forbidden(
            "Admin actions need your two-factor code first in this session. Open /admin/2fa, enter it, then try again.")
    }

    /// Where to go once the code is in: an admin page named by `next`, else the admin dashboard.
    static func destination(_ raw: String?) -> String {
        let next = AccountFlow.safeNext(raw)
        return next == "/admin" || next.hasPrefix("/admin/") || next.hasPrefix("/admin?") ? next : "/admin"
    }
}
