/// Why an `/api/…` request was refused, with the machine-readable code scripts match on.
/// `ErrorMapping` gives each its HTTP status and JSON body.
enum APIRefusal: Error {
    /// No session cookie and no token.
    case unauthenticated
    /// An `Authorization` header that is not a live token of ours.
    case invalidToken
    /// A browser write without this session's CSRF token in `X-CSRF-Token`.
    case csrf
    /// A browser write that says it came from another site.
    case crossSite
    case unsupportedMediaType
    /// Not JSON, or not an object.
    case malformedJSON(String)
    case bodyTooLarge(limit: Int)
    /// A value that parsed but is not allowed (`code` names what: `invalid_count`, …).
    case invalid(code: String, field: String, message: String)
    /// The client's `version` is not the timer's: it acted on a state that has moved on.
    case staleVersion(current: PersonalTimerJSON)

    var code: String {
        switch self {
        case .unauthenticated: return "unauthenticated"
        case .invalidToken: return "invalid_token"
        case .csrf: return "csrf_failed"
        case .crossSite: return "cross_site"
        case .unsupportedMediaType: return "unsupported_media_type"
        case .malformedJSON: return "malformed_json"
        case .bodyTooLarge: return "body_too_large"
        case .invalid(let code, _, _): return code
        case .staleVersion: return "stale_version"
        }
    }

    var field: String? {
        if case .invalid(_, let field, _) = self { return field }
        return nil
    }

    var message: String {
        switch self {
        case .unauthenticated:
            return "Send a personal API token (Authorization: Bearer …) or use the site in a browser."
        case .invalidToken:
            return "That API token is not valid. Create one on /settings/api."
        case .csrf:
            return "Send this page's CSRF token in the X-CSRF-Token header."
        case .crossSite:
            return "This request came from another site, so it was refused."
        case .unsupportedMediaType:
            return "Send the body as JSON (Content-Type: application/json)."
        case .malformedJSON(let why):
            return why
        case .bodyTooLarge(let limit):
            return "The body is too large. The limit is \(limit) bytes."
        case .invalid(_, _, let message):
            return message
        case .staleVersion(let current):
            return "The timer changed meanwhile (it is at version \(current.version)). Nothing was changed; read it again and retry."
        }
    }
}
