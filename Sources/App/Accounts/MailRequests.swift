import Domain
import Postgres
import Web

/// "Mail me a link" forms (magic link, password reset): validated, throttled by address and by
/// the address typed, recorded for the mail job, answered alike for every address.
enum MailRequests {
    static func submit(_ ctx: RequestContext, request: AccountMail.Request, what: String, refuse: (String) -> Outcome) throws -> Outcome {
        let text = try ctx.field("email")
        let email: EmailAddress
        do throws(EmailAddress.Problem) { email = try EmailAddress(validating: text) } catch { return refuse(error.description) }
        let services = ctx.services
        let addressKey = Throttle.addressKey("mail", address: ctx.request.remoteAddress)
        let accountKey = Throttle.accountKey("mail", email: email.value)
        if let wait = services.throttle.blocked(addressKey, limit: Throttle.Limit.addressMails)
            ?? services.throttle.blocked(accountKey, limit: Throttle.Limit.accountMails)
        {
            throw ClientError.tooManyRequests(retryAfter: wait)
        }
        services.throttle.count(addressKey)
        services.throttle.count(accountKey)
        try services.database.transaction { conn in try AccountMail.request(request, email: email.value, on: conn) }
        return AccountFlow.checkEmail(ctx, what)
    }
}
