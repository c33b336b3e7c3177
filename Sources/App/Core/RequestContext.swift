import Domain
import Web

/// What a handler answers: a response now, or "park this poll until the channel moves".
public enum Outcome: Sendable {
    case response(Response)
    /// Only for a poll whose `since` is the channel's current version. `variant` names which
    /// rendering of the channel this viewer gets (`PollVariant`: the host's, a DJ's or everyone
    /// else's); nil when the handler only had an older copy, which may predate a change of the
    /// viewer's role: the snapshot that answers the poll tells (`LiveSnapshot.variants`).
    case park(channel: String, since: Int, variant: PollVariant?)
}

public typealias Handler = @Sendable (RequestContext) throws -> Outcome

/// One request on its way through a handler: the parsed request, the session and the shared
/// services.
public final class RequestContext {
    public let services: Services
    public private(set) var request: Request
    public private(set) var session: SessionID
    /// Set when a handler signed this browser in or out: the responder then sends the new cookies.
    private(set) var sessionChange: SessionChange?
    private var parsedForm: FormData?
    private var parsedUpload: [MultipartPart]?
    private var lookedUp = false
    private var cachedUser: CurrentUser?
    /// Who the route is for (the route table's `Access`), set before the gate runs.
    var access: Access = .open
    /// Routes behind a guard always look the user up; open routes only when the browser says it
    /// signed in (`pp_in`), so guests cost no query.
    var mustLookUpUser = false

    enum SessionChange { case signedIn, signedOut }

    /// A cookie that only says "this browser signed in"; it grants nothing by itself.
    static let signedInHintCookie = "pp_in"

    init(services: Services, request: Request, session: SessionID) {
        self.services = services
        self.request = request
        self.session = session
    }

    /// The session's token, worked out once: a page asks for it several times (an HMAC each).
    public var csrfToken: String {
        if let (raw, token) = cachedToken, raw == session.raw { return token }
        let token = services.csrf.token(forSession: session.raw)
        cachedToken = (session.raw, token)
        return token
    }
    private var cachedToken: (String, String)?

    /// The body, read once the route, the access gate and an upload's rate limit allowed it.
    func attach(body: [UInt8]) {
        request = request.withBody(body)
        parsedForm = nil
        parsedUpload = nil
    }

    /// The signed-in user, or nil for a guest.
    var user: CurrentUser? {
        get throws {
            if lookedUp { return cachedUser }
            lookedUp = true
            guard !session.isNew, mustLookUpUser || request.cookies[Self.signedInHintCookie] != nil else { return nil }
            cachedUser = try AccountSessions(database: services.database).currentUser(session)
            if let cachedUser { services.online.note(cachedUser.id) }
            return cachedUser
        }
    }

    /// The user for page chrome (the header): a database outage shows the page as a guest's
    /// rather than failing it.
    var userForChrome: CurrentUser? { (try? user) ?? nil }

    /// The handler changed what the header shows of the user (it read a conversation, so the
    /// unread count fell): the page's chrome looks the user up again instead of the gate's copy.
    func userChanged() { lookedUp = false }

    /// True when the hint says signed in but the session is not (ended elsewhere): the hint goes.
    var hintIsStale: Bool { lookedUp && cachedUser == nil && request.cookies[Self.signedInHintCookie] != nil }

    func signedIn(as session: SessionID) {
        self.session = session
        sessionChange = .signedIn
        lookedUp = false
        mustLookUpUser = true
    }

    /// Channels to wake once the handler's transaction has committed (the responder does it).
    private(set) var announcements: [(channel: String, version: Int)] = []

    func announceAfterCommit(_ changes: [(channel: String, version: Int)]) {
        announcements += changes
    }

    /// Accounts whose credit changed wholesale in this request's transaction (a guest's credit
    /// adopted at sign-in): their leaderboard scores are rewritten once the handler returns.
    private(set) var rankingsToRefresh: [String] = []

    func refreshRankingsAfterCommit(_ userID: String) {
        rankingsToRefresh.append(userID)
    }

    func signedOut() {
        session = SessionID.fresh()
        sessionChange = .signedOut
        lookedUp = true
        cachedUser = nil
    }

    public func form() throws -> FormData {
        if let parsedForm { return parsedForm }
        var form: FormData
        if let boundary = Multipart.boundary(fromContentType: request.contentType) {
            // File uploads: the text parts are the form, the file parts are kept for the handler.
            let parts = try Multipart.parse(request.body, boundary: boundary)
            parsedUpload = parts.filter { $0.filename != nil }
            form = FormData()
            for part in parts where part.filename == nil {
                guard let text = String(validating: part.body, as: UTF8.self), !text.utf8.contains(0) else {
                    throw ClientError.badRequest("The field “\(part.name)” is not valid text.")
                }
                form.append(part.name, text)
            }
        } else {
            form = try request.form()
        }
        parsedForm = form
        return form
    }

    /// The uploaded file named `name` (multipart forms only).
    func upload(_ name: String) throws -> MultipartPart? {
        _ = try form()
        let matching = parsedUpload?.filter { $0.name == name } ?? []
        if matching.count > 1 { throw ClientError.badRequest("Send one file in “\(name)”, not several.") }
        return matching.first
    }

    /// The form's single value for `name`, trimmed of nothing (validation decides).
    public func field(_ name: String) throws -> String {
        try form().value(name) ?? ""
    }
}
