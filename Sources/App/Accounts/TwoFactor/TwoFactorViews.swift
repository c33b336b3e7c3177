import Domain
import QRCode
import Web

/// The second factor's pages: the code form, enrolment and recovery codes. Each is a plain form
/// (no script): a refused code shows the form again with the reason (422, `role="alert"`).
enum TwoFactorViews {
    static let templates = ["admin_2fa", "admin_2fa_enrol", "admin_2fa_recovery"]

    static func verify(_ ctx: RequestContext, next: String, error: String? = nil) -> Outcome {
        var context: TemplateContext = ["next_input": .text(next)]
        if let error { context["error"] = .text(error) }
        return Views.page("admin_2fa", title: "Two-factor code", context, ctx: ctx, status: error == nil ? .ok : .unprocessableEntity)
    }

    /// The QR code of the otpauth address, drawn on the server, and the same secret as text.
    static func enrol(
        _ ctx: RequestContext, user: CurrentUser, keys: TwoFactorKeys, secret: [UInt8], next: String, error: String? = nil
    ) throws -> Outcome {
        let text = Base32.encode(secret)
        let uri = OTPAuthURI.make(issuer: TwoFactorHandlers.issuer, account: user.username, secretBase32: text)
        let svg = try QRCode(encoding: uri).svg(label: "QR code to scan with an authenticator app")
        var context: TemplateContext = [
            "qr_svg": .html(SafeHTML(trusted: svg)), "secret_text": .text(Base32.grouped(text)), "otpauth": .text(uri),
            "account": .text(user.username), "issuer": .text(TwoFactorHandlers.issuer),
            "pending": .text(keys.sealPending(secret: secret, userID: user.id, sessionHash: ctx.session.hash)),
            "next_input": .text(next),
        ]
        if let error { context["error"] = .text(error) }
        return Views.page("admin_2fa_enrol", title: "Set up two-factor sign-in", context, ctx: ctx, status: error == nil ? .ok : .unprocessableEntity)
    }

    /// Fresh codes (shown this once), or how many are left with the form for new ones.
    static func recoveryCodes(
        _ ctx: RequestContext, codes: [String], next: String, enrolled: Bool, left: Int, error: String? = nil
    ) -> Outcome {
        var context: TemplateContext = [
            "codes": .list(codes.map { ["code": .text(RecoveryCode.shown($0))] }), "has_codes": .bool(!codes.isEmpty),
            "enrolled": .bool(enrolled),
            "left": .text(String(left)), "next": .text(next),
        ]
        if let error { context["error"] = .text(error) }
        return Views.page("admin_2fa_recovery", title: "Recovery codes", context, ctx: ctx, status: error == nil ? .ok : .unprocessableEntity)
    }
}
