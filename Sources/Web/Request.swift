/// An HTTP request as the handlers see it, built from nginx's FastCGI parameters.
public struct Request: Sendable {
    public static let maxURIBytes = 4096

    public let method: String
    /// Percent-decoded path, always starting with "/".
    public let path: String
    public let query: FormData
    public private(set) var body: [UInt8]
    public let contentType: String
    public let cookies: [String: String]
    public let origin: String?
    public let secFetchSite: String?
    public let accept: String
    /// The address nginx saw (REMOTE_ADDR); request headers never override it. An IPv4-mapped
    /// IPv6 address (::ffff:1.2.3.4, from a dual-stack listener) is given as the IPv4 address it
    /// carries, so it is counted with that address and not with every other mapped one.
    public let remoteAddress: String
    public let isHTTPS: Bool
    /// The host the browser asked for; nginx's stock fastcgi_params sends `$host`, without
    /// the port, which is in `serverPort`.
    public let host: String?
    public let serverPort: String?
    public let requestID: String
    /// As sent; `userAgent` is what may be shown and stored.
    private let rawUserAgent: String
    /// The `Authorization` header (a personal API token as `Bearer …`), as sent.
    public let authorization: String?
    /// The `X-CSRF-Token` header: how scripts in our pages prove a JSON request came from them.
    public let csrfHeader: String?
    /// `X-Pomopomo-Test-Now`: read only by debug builds (see `TestClock`).
    public let testNow: String?
    public var pathParameters: [String: String] = [:]

    /// The CGI parameters `init(cgi:)` reads; the FastCGI layer copies out only these.
    public static let cgiParameters = [
        "REQUEST_METHOD", "REQUEST_URI", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_COOKIE",
        "HTTP_ORIGIN", "HTTP_SEC_FETCH_SITE", "HTTP_ACCEPT", "REMOTE_ADDR", "HTTPS", "HTTP_HOST", "SERVER_PORT",
        "HTTP_USER_AGENT", "HTTP_AUTHORIZATION", "HTTP_X_CSRF_TOKEN", "HTTP_X_POMOPOMO_TEST_NOW",
    ]

    public init(cgi params: [String: String], body: [UInt8], requestID: String) throws {
        self.requestID = requestID
        method = (params["REQUEST_METHOD"] ?? "GET").uppercased()
        let uri = params["REQUEST_URI"] ?? "/"
        guard uri.utf8.count <= Self.maxURIBytes else { throw ClientError.badRequest("The address is too long.") }
        let rawPath = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
        guard let decoded = PercentDecoding.decode(Array(rawPath.utf8), plusAsSpace: false), decoded.hasPrefix("/") else {
            throw ClientError.badRequest("The address is not validly encoded.")
        }
        path = decoded
        query = try FormData(query: params["QUERY_STRING"] ?? "")
        self.body = body
        contentType = params["CONTENT_TYPE"] ?? ""
        cookies = Cookies.parse(params["HTTP_COOKIE"])
        origin = params["HTTP_ORIGIN"]
        secFetchSite = params["HTTP_SEC_FETCH_SITE"]
        accept = params["HTTP_ACCEPT"] ?? ""
        remoteAddress = Self.clientAddress(params["REMOTE_ADDR"] ?? "")
        host = params["HTTP_HOST"]
        serverPort = params["SERVER_PORT"]
        rawUserAgent = params["HTTP_USER_AGENT"] ?? ""
        authorization = params["HTTP_AUTHORIZATION"]
        csrfHeader = params["HTTP_X_CSRF_TOKEN"]
        testNow = params["HTTP_X_POMOPOMO_TEST_NOW"]
        isHTTPS = params["HTTPS"].map { !$0.isEmpty && $0 != "off" } ?? false
    }

    /// For the sessions page only; never trusted for anything. Made when asked for: only a
    /// sign-in stores it.
    public var userAgent: String {
        String(String.UnicodeScalarView(rawUserAgent.unicodeScalars.lazy.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(300)))
    }

    /// The same request with its body, for routes whose body is read after the route is known
    /// (uploads: their rate limit is counted before the body is read).
    public func withBody(_ body: [UInt8]) -> Request {
        var copy = self
        copy.body = body
        return copy
    }

    /// The form fields of a urlencoded POST body. Other content types are refused, so a
    /// cross-site text/plain form cannot smuggle fields in.
    public func form() throws -> FormData {
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: " ").lowercased() } ?? ""
        guard type == "application/x-www-form-urlencoded" else {
            if body.isEmpty && type.isEmpty { return FormData() }
            throw ClientError.badRequest("Expected a form submission (application/x-www-form-urlencoded).")
        }
        return try FormData(urlEncoded: body)
    }

    public func parameter(_ name: String) -> String { pathParameters[name] ?? "" }

    /// The origin (scheme://host[:port]) this request was addressed to, as a same-site
    /// browser would send it in `Origin`.
    public var selfOrigin: String? {
        guard let host, !host.isEmpty else { return nil }
        let scheme = isHTTPS ? "https" : "http"
        if Self.hasPort(host) { return "\(scheme)://\(host)" }
        guard let port = serverPort, !port.isEmpty, port != (isHTTPS ? "443" : "80") else { return "\(scheme)://\(host)" }
        return "\(scheme)://\(host):\(port)"
    }

    /// "::ffff:1.2.3.4" (any case, or spelled out as 0:0:0:0:0:ffff:…) is 1.2.3.4; anything else
    /// is kept as nginx wrote it.
    public static func clientAddress(_ raw: String) -> String {
        let lower = raw.lowercased()
        for prefix in ["::ffff:", "0:0:0:0:0:ffff:"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            let octets = rest.split(separator: ".", omittingEmptySubsequences: false)
            if octets.count == 4, octets.allSatisfy({ $0.count <= 3 && UInt8($0) != nil }) { return String(rest) }
        }
        return raw
    }

    /// "example.org:8080" and "[::1]:8080" carry a port; "example.org" and "[::1]" do not.
    static func hasPort(_ host: String) -> Bool {
        guard let colon = host.lastIndex(of: ":") else { return false }
        if let bracket = host.lastIndex(of: "]"), bracket > colon { return false }
        let port = host[host.index(after: colon)...]
        return !port.isEmpty && port.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// True when the browser says it wants JSON (the live script) rather than a page.
    public var wantsJSON: Bool { accept.contains("application/json") }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> Substring {
        var s = self
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return s
    }
}
