/// An error that knows how it looks to the user. Anything thrown that is not an HTTPError is a
/// bug or an outage and becomes a bare 500 (or 503) page, with the details only in the log.
public protocol HTTPError: Error {
    var status: HTTPStatus { get }
    /// Safe to show: never contains internals.
    var publicMessage: String { get }
    var extraHeaders: [(String, String)] { get }
}

extension HTTPError {
    public var extraHeaders: [(String, String)] { [] }
}

/// The common client errors, one case per status a handler may answer with.
public enum ClientError: HTTPError, Equatable {
    case badRequest(String)
    case forbidden(String)
    case notFound(String)
    case methodNotAllowed(allowed: [String])
    case payloadTooLarge(limit: Int)
    case unprocessable(String)
    case tooManyRequests(retryAfter: Int)
    case unavailable(retryAfter: Int)

    public var status: HTTPStatus {
        switch self {
        case .badRequest: return .badRequest
        case .forbidden: return .forbidden
        case .notFound: return .notFound
        case .methodNotAllowed: return .methodNotAllowed
        case .payloadTooLarge: return .payloadTooLarge
        case .unprocessable: return .unprocessableEntity
        case .tooManyRequests: return .tooManyRequests
        case .unavailable: return .serviceUnavailable
        }
    }

    public var publicMessage: String {
        switch self {
        case .badRequest(let m), .forbidden(let m), .notFound(let m), .unprocessable(let m): return m
        case .methodNotAllowed(let allowed): return "This address does not accept that method. Allowed: \(allowed.joined(separator: ", "))."
        case .payloadTooLarge(let limit): return "The request is too large. The limit is \(limit / 1024) KiB."
        case .tooManyRequests(let s): return "Too many requests. Please wait \(s) seconds and try again."
        case .unavailable: return "Pomopomo is briefly unavailable. Nothing you sent was lost; please try again in a moment."
        }
    }

    public var extraHeaders: [(String, String)] {
        switch self {
        case .methodNotAllowed(let allowed): return [("Allow", allowed.joined(separator: ", "))]
        case .tooManyRequests(let s), .unavailable(let s): return [("Retry-After", String(s))]
        default: return []
        }
    }
}

public struct HTTPStatus: Equatable, Sendable {
    public let code: Int
    public let reason: String

    public static let ok = HTTPStatus(code: 200, reason: "OK")
    public static let noContent = HTTPStatus(code: 204, reason: "No Content")
    public static let movedPermanently = HTTPStatus(code: 301, reason: "Moved Permanently")
    public static let found = HTTPStatus(code: 302, reason: "Found")
    public static let seeOther = HTTPStatus(code: 303, reason: "See Other")
    public static let badRequest = HTTPStatus(code: 400, reason: "Bad Request")
    public static let unauthorized = HTTPStatus(code: 401, reason: "Unauthorized")
    public static let forbidden = HTTPStatus(code: 403, reason: "Forbidden")
    public static let notFound = HTTPStatus(code: 404, reason: "Not Found")
    public static let methodNotAllowed = HTTPStatus(code: 405, reason: "Method Not Allowed")
    public static let conflict = HTTPStatus(code: 409, reason: "Conflict")
    public static let gone = HTTPStatus(code: 410, reason: "Gone")
    public static let payloadTooLarge = HTTPStatus(code: 413, reason: "Payload Too Large")
    public static let unsupportedMediaType = HTTPStatus(code: 415, reason: "Unsupported Media Type")
    public static let unprocessableEntity = HTTPStatus(code: 422, reason: "Unprocessable Entity")
    public static let tooManyRequests = HTTPStatus(code: 429, reason: "Too Many Requests")
    public static let internalServerError = HTTPStatus(code: 500, reason: "Internal Server Error")
    public static let serviceUnavailable = HTTPStatus(code: 503, reason: "Service Unavailable")

    public var title: String {
        switch code {
        case 400: return "That request could not be understood"
        case 401: return "Sign in first"
        case 403: return "Not allowed"
        case 404: return "Not found"
        case 405: return "Method not allowed"
        case 409: return "That changed meanwhile"
        case 413: return "Too large"
        case 415: return "Unsupported content type"
        case 422: return "Please check your input"
        case 429: return "Slow down"
        case 503: return "Temporarily unavailable"
        default: return "Something went wrong"
        }
    }
}
