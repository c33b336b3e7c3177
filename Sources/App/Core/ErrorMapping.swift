import Domain
import FastCGI
import Logging
import Postgres
import Web

/// The one place where an error gets its HTTP face. Handlers and stores throw what they mean
/// (`RoomRefusal`, `RoomRuleProblem`, `HTTPError`s for request-level trouble); pages, JSON
/// answers and the room page's refusals all take their status from here.
enum ErrorMapping {
    /// The status a room refusal is answered with.
    static func status(_ refusal: RoomRefusal) -> HTTPStatus {
        switch refusal {
        case .noSuchRoom, .gone: return .notFound
        case .closed: return .gone
        case .removed, .notJoined, .hostOnly, .djOnly: return .forbidden
        case .invalid: return .unprocessableEntity
        case .stale: return .conflict
        case .tooFast: return .tooManyRequests
        }
    }

    /// The status a refused personal timer control is answered with.
    static func status(_ refusal: TimerRefusal) -> HTTPStatus {
        switch refusal {
        case .stale: return .conflict
        case .invalid: return .unprocessableEntity
        }
    }

    /// The status a refused invite or favorite is answered with.
    static func status(_ refusal: SocialRefusal) -> HTTPStatus {
        switch refusal {
        case .signInFirst: return .forbidden
        case .noSuchFavorite: return .notFound
        case .noFriendChosen, .notAFriend, .tooManyAtOnce, .favoritesFull: return .unprocessableEntity
        }
    }

    /// The status a vault refusal is answered with (someone else's quote is a missing one).
    static func status(_ refusal: VaultRefusal) -> HTTPStatus {
        switch refusal {
        case .noSuchQuote: return .notFound
        case .invalid, .full: return .unprocessableEntity
        case .stale: return .conflict
        }
    }

    /// The status a journal refusal is answered with (someone else's entry is a missing one).
    static func status(_ refusal: JournalRefusal) -> HTTPStatus {
        switch refusal {
        case .notFound: return .notFound
        case .invalid, .badAudio: return .unprocessableEntity
        case .outOfOrder: return .conflict
        case .tooLarge: return .payloadTooLarge
        }
    }

    /// The status a soundtrack refusal is answered with (someone else's playlist is a missing one).
    static func status(_ refusal: SoundtrackRefusal) -> HTTPStatus {
        switch refusal {
        case .notFound: return .notFound
        case .invalid, .badAudio: return .unprocessableEntity
        case .emptyQueue, .conflict: return .conflict
        case .djOnly, .proposalsOff: return .forbidden
        case .catalogueUnavailable: return .serviceUnavailable
        case .tooLarge: return .payloadTooLarge
        }
    }

    /// The status a refused second factor is answered with: 422 for a code that is not right
    /// (the form shows it again), 503 while the server cannot keep secrets (no or another key).
    static func status(_ refusal: SecondFactorRefusal) -> HTTPStatus {
        switch refusal {
        case .malformed, .wrongCode, .reusedCode, .usedRecoveryCode: return .unprocessableEntity
        case .notConfigured, .unreadable: return .serviceUnavailable
        }
    }

    /// The status a refused admin action or report is answered with: 404 for what is absent,
    /// 403 for an admin acting on another admin and for a suspended account signing in, 409 for the last admin and what is already so,
    /// 422 for bad input and acting on yourself.
    static func status(_ refusal: ModerationRefusal) -> HTTPStatus {
        switch refusal {
        case .notFound: return .notFound
        case .invalid, .yourself: return .unprocessableEntity
        case .targetIsAdmin, .signInRefused: return .forbidden
        case .lastAdmin, .conflict: return .conflict
        }
    }

    /// Headers that go with a refusal (when to try again).
    static func headers(_ refusal: RoomRefusal) -> [(String, String)] {
        if case .tooFast(_, let retryAfter) = refusal { return [("Retry-After", String(retryAfter))] }
        return []
    }

    /// The status a friendship refusal is answered with: 404 for what is absent or not the
    /// viewer's (another person's request id looks like a missing one), 409 for what is already
    /// so, 429 (with `Retry-After`) for the limits.
    static func status(_ refusal: FriendRefusal) -> HTTPStatus {
        switch refusal {
        case .noSuchPerson, .noSuchRequest, .notFriends, .notBlocked, .noSharedRoom: return .notFound
        case .yourself, .guestParticipant: return .unprocessableEntity
        case .blocked: return .forbidden
        case .youBlocked, .alreadyFriends, .alreadyRequested: return .conflict
        case .tooManyToday, .tooManyPending, .declinedRecently: return .tooManyRequests
        }
    }

    static func headers(_ refusal: FriendRefusal) -> [(String, String)] {
        refusal.retryAfter.map { [("Retry-After", String($0))] } ?? []
    }

    /// The status a direct-message refusal is answered with.
    static func status(_ refusal: MessageRefusal) -> HTTPStatus {
        switch refusal {
        case .notFound: return .notFound
        case .invalid: return .unprocessableEntity
        case .notAllowed: return .forbidden
        case .tooFast, .muted: return .tooManyRequests
        }
    }

    static func headers(_ refusal: MessageRefusal) -> [(String, String)] {
        refusal.retryAfter.map { [("Retry-After", String($0))] } ?? []
    }

    /// The status a whiteboard refusal is answered with: 404 for what is absent or not the
    /// viewer's, 422 for what cannot be stored (limits included), 409 for a stale version.
    static func status(_ refusal: BoardRefusal) -> HTTPStatus {
        switch refusal {
        case .notFound: return .notFound
        case .invalid, .full: return .unprocessableEntity
        case .stale: return .conflict
        }
    }

    /// The status a refused private task or list request is answered with: 404 for what is not
    /// the viewer's, 409 for an edit from a stale tab, 422 for bad input and the limits (the page
    /// keeps what was typed).
    static func status(_ refusal: PrivateTaskRefusal) -> HTTPStatus {
        switch refusal {
        case .notFound: return .notFound
        case .invalid, .full: return .unprocessableEntity
        case .stale: return .conflict
        }
    }

    /// The status an API refusal is answered with.
    static func status(_ refusal: APIRefusal) -> HTTPStatus {
        switch refusal {
        case .unauthenticated, .invalidToken: return .unauthorized
        case .csrf, .crossSite: return .forbidden
        case .unsupportedMediaType: return .unsupportedMediaType
        case .malformedJSON: return .badRequest
        case .bodyTooLarge: return .payloadTooLarge
        case .invalid: return .unprocessableEntity
        case .staleVersion: return .conflict
        }
    }

    /// The code an API error gets when it is not an `APIRefusal` (a missing route, a rate limit,
    /// an outage): one per status, so scripts can always switch on `error.code`.
    static func apiCode(_ status: HTTPStatus) -> String {
        switch status.code {
        case 400: return "bad_request"
        case 401: return "unauthenticated"
        case 403: return "forbidden"
        case 404: return "not_found"
        case 405: return "method_not_allowed"
        case 409: return "conflict"
        case 413: return "body_too_large"
        case 415: return "unsupported_media_type"
        case 422: return "invalid"
        case 429: return "rate_limited"
        case 503: return "unavailable"
        default: return "server_error"
        }
    }

    /// How `/api/…` answers any error: `{"error": {"code", "message", "field"?}, "request_id",
    /// "current"?}` with the status (and Retry-After / Allow) of `shown`.
    static func apiResponse(_ shown: any HTTPError, requestID: String) -> Response {
        let problem = shown as? APIProblem
        let body = APIErrorBody(
            error: .init(code: problem?.code ?? apiCode(shown.status), message: shown.publicMessage, field: problem?.field),
            requestID: requestID, current: problem?.current)
        var response = Response.json(JSONBody.encode(body), status: shown.status)
        for (name, value) in shown.extraHeaders { response.addHeader(name, value) }
        if shown.status.code == 401 { response.addHeader("WWW-Authenticate", "Bearer realm=\"pomopomo\"") }
        return response
    }

    /// An API refusal with its code, field and (for a stale version) the current state.
    struct APIProblem: HTTPError {
        let status: HTTPStatus
        let publicMessage: String
        let code: String
        let field: String?
        let current: PersonalTimerJSON?
    }

    /// What the user is told about `error`; anything unexpected is logged here.
    static func shown(_ error: Error, requestID id: String, logger: Logger) -> any HTTPError {
        switch error {
        case let e as HTTPError:
            return e
        case let refusal as RoomRefusal:
            return Refused(status: status(refusal), publicMessage: refusal.message, extraHeaders: headers(refusal))
        case let refusal as TimerRefusal:
            return Refused(status: status(refusal), publicMessage: refusal.message, extraHeaders: [])
        case let refusal as SocialRefusal:
            return Refused(status: status(refusal), publicMessage: refusal.message, extraHeaders: [])
        case let refusal as FriendRefusal:
            return Refused(status: status(refusal), publicMessage: refusal.message, extraHeaders: headers(refusal))
        case let refusal as MessageRefusal:
            return Refused(status: status(refusal), publicMessage: refusal.message, extraHeaders: headers(refusal))
        case let refusal as VaultRefusal:
            return Refused(status: status(refusal), publicMessage: refusal.message, extraHeaders: [])
        case let refusal as BoardRefusal:
            return Refused(status: status(refusal), publicMessage: refusal.message, extraHeaders: [])
        case let refusal as JournalRefusal:
            return Refused(status: status(refusal), publicMessage: refusal.message, extraHeaders: [])
        case let refusal as SoundtrackRefusal:
            let retry: [(String, String)] = if case .catalogueUnavailable = refusal { [("Retry-After", "30")] } else { [] }
            return Refused(status: status(refusal), publicMessage: refusal.message, extraHeaders: retry)
        case let refusal as SecondFactorRefusal:
            return Refused(status: status(refusal), publicMessage: refusal.message, extraHeaders: [])
        case let refusal as ModerationRefusal:
            return Refused(status: status(refusal), publicMessage: refusal.message, extraHeaders: [])
        case let refusal as PrivateTaskRefusal:
            return Refused(status: status(refusal), publicMessage: refusal.message, extraHeaders: [])
        case let refusal as APIRefusal:
            var current: PersonalTimerJSON? = nil
            if case .staleVersion(let state) = refusal { current = state }
            return APIProblem(status: status(refusal), publicMessage: refusal.message, code: refusal.code, field: refusal.field, current: current)
        case let problem as RoomRuleProblem:
            return ClientError.unprocessable(problem.description)
        case FastCGIError.bodyTooLarge(let limit):
            return ClientError.payloadTooLarge(limit: limit)
        case FastCGIError.bodyIncomplete:
            return ClientError.badRequest("The request body was cut short.")
        case PostgresError.unavailable, PostgresError.poolExhausted:
            logger.error("database unavailable", metadata: ["id": "\(id)", "error": "\(error)"])
            return ClientError.unavailable(retryAfter: 5)
        default:
            logger.error("unhandled error", metadata: ["id": "\(id)", "error": "\(error)"])
            return ServerFault(requestID: id)
        }
    }

    /// A domain refusal as the page or JSON answer shows it.
    struct Refused: HTTPError {
        let status: HTTPStatus
        let publicMessage: String
        let extraHeaders: [(String, String)]
    }

    /// A failure on our side: the page names only the request id; details go to the log.
    struct ServerFault: HTTPError {
        let requestID: String
        var status: HTTPStatus { .internalServerError }
        var publicMessage: String { "Something went wrong on our side. It has been logged as \(requestID)." }
    }
}
