/// What a handler returns. Every response goes through `serialize`, which adds the security
/// headers, so no handler can forget them.
public struct Response: Sendable {
    public var status: HTTPStatus
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Other origins this page's forms may lead to (CSP form-action, which browsers also apply
    /// to a form's redirect): the sign-in page's OAuth forms post here and are sent on to the
    /// provider. Empty for every other page.
    public var formActionOrigins: [String] = []
    /// Whether our own pages may show this one in a frame (the room's presence frame for browsers
    /// without JavaScript). Every other response refuses every frame.
    public var framedBySelf = false
    /// Other sources this page's images and audio may come from (CSP img-src and media-src): the
    /// music catalogue's thumbnails and streams, e.g. `https:` and a local Piped instance's origin.
    /// Empty for every page that shows no catalogue track.
    public var mediaSources: [String] = []

    public init(status: HTTPStatus = .ok, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func html(_ body: [UInt8], status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: body)
    }

    public static func text(_ text: String, status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    public static func json(_ body: [UInt8], status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: [("Content-Type", "application/json")], body: body)
    }

    /// POST/redirect/GET. `location` must be a local path built by us, never user input.
    public static func redirect(to location: String, status: HTTPStatus = .seeOther) -> Response {
        precondition(location.hasPrefix("/") && !location.hasPrefix("//"), "redirects stay on this site")
        return Response(status: status, headers: [("Location", location)])
    }

    public static let noContent = Response(status: .noContent)

    /// `{"error": …}` with the error's status and headers (Retry-After, Allow), for JSON routes.
    public static func jsonError(_ error: any HTTPError, requestID: String? = nil) -> Response {
        var response = Response.json(JSONBody.encode(ErrorJSON(error: error.publicMessage, requestID: requestID)), status: error.status)
        for (name, value) in error.extraHeaders { response.addHeader(name, value) }
        return response
    }

    public mutating func addHeader(_ name: String, _ value: String) {
        headers.append((name, value))
    }

    /// Headers every response carries. `script-src 'self'` with no 'unsafe-inline' is what
    /// makes a stored XSS inert even if escaping were ever missed.
    static func contentSecurityPolicy(formActions: [String], framedBySelf: Bool = false, mediaSources: [String] = []) -> String {
        let forms = (["'self'"] + formActions.filter { !$0.contains(";") && !$0.contains(" ") }).joined(separator: " ")
        let ancestors = framedBySelf ? "'self'" : "'none'"
        let media = mediaSources.filter { !$0.isEmpty && !$0.contains(";") && !$0.contains(" ") && !$0.contains("'") }
        let images = (["'self'", "data:"] + media).joined(separator: " ")
        let audio = (["'self'"] + media).joined(separator: " ")
        return
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src \(images); media-src \(audio); connect-src 'self'; object-src 'none'; base-uri 'none'; form-action \(forms); frame-ancestors \(ancestors)"
    }

    static let defaultContentSecurityPolicy = contentSecurityPolicy(formActions: [])

    static let securityHeaders: [(String, String)] = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]

    /// The CGI response head and body as bytes for FastCGI. Header values are checked for CR/LF
    /// so nothing can split the response.
    public func serialize(requestID: String, cacheable: Bool = false) -> [UInt8] {
        var out = head(requestID: requestID, cacheable: cacheable)
        out.reserveCapacity(out.count + body.count)
        out.append(contentsOf: body)
        return out
    }

    /// The CGI head alone (status, headers, the blank line), for sending beside `body`.
    public func head(requestID: String, cacheable: Bool = false) -> [UInt8] {
        // Built as bytes, the fixed lines copied in whole: every answer has a head.
        var head: [UInt8] = []
        head.reserveCapacity(768)
        head.append(contentsOf: "Status: \(status.code) \(status.reason)\r\n".utf8)
        if formActionOrigins.isEmpty && !framedBySelf && mediaSources.isEmpty {
            head.append(contentsOf: Self.defaultSecurityLines)
        } else {
            let csp = Self.contentSecurityPolicy(formActions: formActionOrigins, framedBySelf: framedBySelf, mediaSources: mediaSources)
            head.append(contentsOf: Self.securityLines(csp: csp, framedBySelf: framedBySelf))
        }
        if !cacheable && !headers.contains(where: { $0.0 == "Cache-Control" }) {
            // Dynamic pages carry CSRF tokens and personal state.
            head.append(contentsOf: Self.noStoreLine)
        }
        head.append(contentsOf: "X-Request-Id: \(requestID)\r\n".utf8)
        for (name, value) in headers {
            head.append(contentsOf: name.utf8)
            head.append(contentsOf: ": ".utf8)
            head.append(contentsOf: Self.headerSafe(value).utf8)
            head.append(contentsOf: "\r\n".utf8)
        }
        if status.code != 204 && status.code != 304 {
            head.append(contentsOf: "Content-Length: \(body.count)\r\n".utf8)
        }
        head.append(contentsOf: "\r\n".utf8)
        return head
    }

    /// The policy and the security headers as head lines.
    static func securityLines(csp: String, framedBySelf: Bool) -> [UInt8] {
        var lines = "Content-Security-Policy: \(headerSafe(csp))\r\n"
        for (name, value) in securityHeaders {
            lines += "\(name): \(name == "X-Frame-Options" && framedBySelf ? "SAMEORIGIN" : value)\r\n"
        }
        return Array(lines.utf8)
    }

    static let defaultSecurityLines = securityLines(csp: defaultContentSecurityPolicy, framedBySelf: false)
    static let noStoreLine = Array("Cache-Control: no-store\r\n".utf8)

    static func headerSafe(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else { return value }
        return String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" })
    }
}
