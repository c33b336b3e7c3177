import Sodium
import Web

/// The device a change to today's count came from (seed 002's `device_id`): a random id in a
/// long-lived `pp_dev` cookie, set on the first timer write from a browser that has none. It
/// says "the same browser" and nothing else: random, never derived from anything the browser
/// tells us.
struct DeviceCookie {
    static let name = "pp_dev"
    /// 400 days, the longest browsers keep a cookie.
    static let maxAge = 400 * 24 * 3600

    /// The id reset events record.
    let id: String
    /// Whether the browser had none: the response sets it.
    let isNew: Bool

    /// The browser's device id, or a new one when it has none (or something that is not one of ours).
    init(_ ctx: RequestContext) {
        if let raw = ctx.request.cookies[Self.name], raw.utf8.count == 22, Base64URL.decode(raw)?.count == 16 {
            id = raw
            isNew = false
        } else {
            id = Base64URL.encode(Sodium.randomBytes(16))
            isNew = true
        }
    }

    /// Sets the cookie on `response` when the browser did not have it.
    func add(to response: inout Response, secure: Bool) {
        guard isNew else { return }
        response.addHeader("Set-Cookie", Cookies.setCookie(name: Self.name, value: id, maxAge: Self.maxAge, secure: secure))
    }
}
