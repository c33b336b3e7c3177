internal import CCurl

/// The outside world through libcurl: HTTPS calls to OAuth providers and mail over SMTP (with
/// STARTTLS). Every call blocks the calling thread for at most its timeout; one easy handle per
/// call, so calls from several threads never share state.
public enum Curl {
    /// libcurl's global state must exist before threads use it.
    public static let ready: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        /// The call ran out of time (connect or transfer), as opposed to being refused or broken.
        public var timedOut = false
    }

    public struct HTTPResponse: Sendable {
        public let status: Int
        public let body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// An HTTP request. `body` is sent as a POST when present. Responses over `maxBytes` fail.
    public static func http(
        url: String, headers: [String] = [], body: [UInt8]? = nil,
        timeoutSeconds: Int = 10, maxBytes: Int = 1 << 20
    ) throws -> HTTPResponse {
        try http(url: url, headers: headers, body: body, timeoutMilliseconds: timeoutSeconds * 1000, maxBytes: maxBytes)
    }

    /// The same with a deadline in milliseconds (the catalogue's calls are bounded below a second's grain).
    public static func http(
        url: String, headers: [String] = [], body: [UInt8]? = nil,
        timeoutMilliseconds: Int, maxBytes: Int = 1 << 20
    ) throws -> HTTPResponse {
        precondition(ready)
        guard let handle = curl_easy_init() else { throw Failure(description: "curl_easy_init failed") }
        defer { curl_easy_cleanup(handle) }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(list) }
        for header in headers { list = curl_slist_append(list, header) }
        let sink = Sink(limit: maxBytes)
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        try withExtendedLifetime(sink) {
            try check(pp_curl_setopt_string(handle, CURLOPT_URL, url))
            try common(handle, timeoutMilliseconds: timeoutMilliseconds)
            // Only http(s), and no redirects: a provider's answer is taken as it is.
            try check(pp_curl_setopt_long(handle, CURLOPT_PROTOCOLS, Int(CURLPROTO_HTTP | CURLPROTO_HTTPS)))
            try check(pp_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list))
            try check(pp_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, writeCallback))
            try check(pp_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer))
            if let body {
                try body.withUnsafeBufferPointer { buffer in
                    try check(pp_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, buffer.count))
                    try check(
                        pp_curl_setopt_pointer(
                            handle, CURLOPT_COPYPOSTFIELDS,
                            UnsafeMutableRawPointer(mutating: buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)))
                }
            }
            try perform(handle)
        }
        var status = 0
        _ = pp_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, body: sink.bytes)
    }

    /// Where and how to reach the mail server.
    public struct SMTPServer: Sendable {
        public var host: String
        public var port: Int
        /// Refuse to send unless the server upgrades the connection with STARTTLS.
        public var requireTLS: Bool
        public var username: String?
        public var password: String?
        /// Certificates to trust for the server's TLS certificate instead of the system's (a
        /// private CA); the server's name is checked either way.
        public var caFile: String?

        public init(host: String, port: Int, requireTLS: Bool, username: String?, password: String?, caFile: String? = nil) {
            self.host = host
            self.port = port
            self.requireTLS = requireTLS
            self.username = username
            self.password = password
            self.caFile = caFile
        }
    }

    /// Hands one message (headers and body, CRLF line ends) to the SMTP server.
    public static func sendMail(server: SMTPServer, from: String, to: String, message: [UInt8], timeoutSeconds: Int = 20) throws {
        precondition(ready)
        guard let handle = curl_easy_init() else { throw Failure(description: "curl_easy_init failed") }
        defer { curl_easy_cleanup(handle) }
        let recipients = curl_slist_append(nil, "<\(to)>")
        defer { curl_slist_free_all(recipients) }
        let source = Source(bytes: message)
        try withExtendedLifetime(source) {
            try check(pp_curl_setopt_string(handle, CURLOPT_URL, "smtp://\(server.host):\(server.port)"))
            try common(handle, timeoutMilliseconds: timeoutSeconds * 1000)
            try check(pp_curl_setopt_long(handle, CURLOPT_PROTOCOLS, Int(CURLPROTO_SMTP | CURLPROTO_SMTPS)))
            if server.requireTLS { try check(pp_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))) }
            if let ca = server.caFile, !ca.isEmpty { try check(pp_curl_setopt_string(handle, CURLOPT_CAINFO, ca)) }
            if let user = server.username, !user.isEmpty {
                try check(pp_curl_setopt_string(handle, CURLOPT_USERNAME, user))
                try check(pp_curl_setopt_string(handle, CURLOPT_PASSWORD, server.password ?? ""))
            }
            try check(pp_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(from)>"))
            try check(pp_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients))
            try check(pp_curl_setopt_callback(handle, CURLOPT_READFUNCTION, readCallback))
            try check(pp_curl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque()))
            try check(pp_curl_setopt_long(handle, CURLOPT_UPLOAD, 1))
            try perform(handle)
        }
    }

    private static func common(_ handle: UnsafeMutableRawPointer, timeoutMilliseconds: Int) throws {
        try check(pp_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        try check(pp_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(timeoutMilliseconds, 5000)))
        try check(pp_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeoutMilliseconds))
    }

    private static func perform(_ handle: UnsafeMutableRawPointer) throws {
        let rc = curl_easy_perform(handle)
        guard rc == CURLE_OK else {
            throw Failure(description: String(cString: curl_easy_strerror(rc)), timedOut: rc == CURLE_OPERATION_TIMEDOUT)
        }
    }

    private static func check(_ rc: CURLcode) throws {
        guard rc == CURLE_OK else { throw Failure(description: String(cString: curl_easy_strerror(rc))) }
    }

    private final class Sink {
        var bytes: [UInt8] = []
        let limit: Int
        init(limit: Int) { self.limit = limit }
    }

    private final class Source {
        let bytes: [UInt8]
        var offset = 0
        init(bytes: [UInt8]) { self.bytes = bytes }
    }

    private static let writeCallback: pp_curl_io_callback = { buffer, size, count, userdata in
        let sink = Unmanaged<Sink>.fromOpaque(userdata!).takeUnretainedValue()
        let n = size * count
        // Returning less than given makes libcurl stop with a write error.
        if sink.bytes.count + n > sink.limit { return 0 }
        if n > 0, let buffer {
            buffer.withMemoryRebound(to: UInt8.self, capacity: n) { sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
        }
        return n
    }

    private static let readCallback: pp_curl_io_callback = { buffer, size, count, userdata in
        let source = Unmanaged<Source>.fromOpaque(userdata!).takeUnretainedValue()
        let n = min(size * count, source.bytes.count - source.offset)
        if n > 0, let buffer {
            source.bytes.withUnsafeBufferPointer { all in
                buffer.withMemoryRebound(to: UInt8.self, capacity: n) {
                    $0.update(from: all.baseAddress! + source.offset, count: n)
                }
            }
            source.offset += n
        }
        return n
    }
}
