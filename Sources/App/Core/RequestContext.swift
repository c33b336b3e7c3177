import Web

/// What a handler answers: a response now, or "park this poll until the channel moves".
public enum Outcome: Sendable {
    case response(Response)
    /// Only for a poll whose `since` is the channel's current version. `variant` names which
    /// rendering of the channel this viewer gets (rooms: 1 for the host, 0 for everyone else).
    case park(channel: String, since: Int, variant: Int)
}

public typealias Handler = @Sendable (RequestContext) throws -> Outcome

/// One request on its way through a handler: the parsed request, the session and the shared
/// services.
public final class RequestContext {
    public let services: Services
    public let request: Request
    public let session: SessionID
    private var parsedForm: FormData?

    init(services: Services, request: Request, session: SessionID) {
        self.services = services
        self.request = request
        self.session = session
    }

    public var csrfToken: String { services.csrf.token(forSession: session.raw) }

    public func form() throws -> FormData {
        if let parsedForm { return parsedForm }
        let form = try request.form()
        parsedForm = form
        return form
    }

    /// The form's single value for `name`, trimmed of nothing (validation decides).
    public func field(_ name: String) throws -> String {
        try form().value(name) ?? ""
    }
}
