import Testing
@testable import Web
@testable import App

@Suite("Form and query parsing")
struct FormDataTests {
    @Test func decodesPlusPercentAndUnicode() throws {
        let form = try FormData(query: "name=Ada+Lovelace&city=Z%C3%BCrich&empty=&flag")
        #expect(try form.value("name") == "Ada Lovelace")
        #expect(try form.value("city") == "Zürich")
        #expect(try form.value("empty") == "")
        #expect(try form.value("flag") == "")
        #expect(try form.value("missing") == nil)
    }

    @Test(arguments: [
        "name=%ZZ",          // not hex
        "name=%4",           // truncated escape
        "name=%FF",          // invalid UTF-8
        "name=%C0%AE",       // overlong encoding of "."
        "name=%ED%A0%80",    // UTF-16 surrogate encoded in UTF-8
        "name=a%00b",        // NUL byte
    ])
    func rejectsMalformedEncoding(_ query: String) {
        #expect(throws: ClientError.self) { try FormData(query: query) }
    }

    @Test func duplicateFieldIsAnError() throws {
        let form = try FormData(query: "csrf=a&csrf=b")
        #expect(throws: ClientError.badRequest("The field “csrf” was sent more than once.")) { try form.value("csrf") }
        #expect(form.values("csrf") == ["a", "b"])
    }

    @Test func limitsFieldCountAndSize() {
        let many = (0..<201).map { "f\($0)=x" }.joined(separator: "&")
        #expect(throws: ClientError.self) { try FormData(query: many) }
        let long = "f=" + String(repeating: "x", count: 70_000)
        #expect(throws: ClientError.self) { try FormData(query: long) }
    }

    @Test func keepsSQLMetacharactersVerbatim() throws {
        let form = try FormData(query: "q=%27%3B+DROP+TABLE+rooms%3B--")
        #expect(try form.value("q") == "'; DROP TABLE rooms;--")
    }
}

@Suite("Request")
struct RequestTests {
    func request(_ params: [String: String], body: String = "") throws -> Request {
        try Request(cgi: params, body: Array(body.utf8), requestID: "t")
    }

    @Test func decodesPathAndQuery() throws {
        let r = try request(["REQUEST_METHOD": "get", "REQUEST_URI": "/r/ab%63-def?since=3", "QUERY_STRING": "since=3",
                             "HTTP_COOKIE": "pp_sid=abc; other=1", "REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6"])
        #expect(r.method == "GET")
        #expect(r.path == "/r/abc-def")
        #expect(try r.query.value("since") == "3")
        #expect(r.cookies["pp_sid"] == "abc")
        // The client address is nginx's REMOTE_ADDR; a forwarded-for header changes nothing.
        #expect(r.remoteAddress == "127.0.0.1")
    }

    /// Regression (issue 9): a dual-stack nginx passes IPv4 clients as ::ffff:a.b.c.d; left as
    /// IPv6, every IPv4 client fell into the one /64 bucket 0:0:0:0::/64 and shared its limits.
    @Test(arguments: [("::ffff:203.0.113.7", "203.0.113.7"), ("::FFFF:198.51.100.1", "198.51.100.1"),
                      ("0:0:0:0:0:ffff:192.0.2.9", "192.0.2.9"), ("203.0.113.7", "203.0.113.7"),
                      ("2001:db8::1", "2001:db8::1"), ("::ffff:999.1.1.1", "::ffff:999.1.1.1"), ("::1", "::1")])
    func ipv4MappedAddressesCountAsIPv4(_ raw: String, _ expected: String) throws {
        let r = try request(["REMOTE_ADDR": raw])
        #expect(r.remoteAddress == expected)
        #expect(Throttle.addressBucket(r.remoteAddress) == (expected.contains(":") ? Throttle.addressBucket(raw) : expected))
    }

    @Test(arguments: ["/r/%FF", "/a%00b", "/%C0%AE%C0%AE/etc"])
    func rejectsBadPaths(_ uri: String) {
        #expect(throws: ClientError.self) { try request(["REQUEST_URI": uri]) }
    }

    @Test func rejectsOverlongURI() {
        #expect(throws: ClientError.self) { try request(["REQUEST_URI": "/" + String(repeating: "a", count: 5000)]) }
    }

    @Test func formRequiresURLEncodedContentType() throws {
        let good = try request(["REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/x-www-form-urlencoded; charset=UTF-8"], body: "a=1")
        #expect(try good.form().value("a") == "1")
        let plain = try request(["REQUEST_METHOD": "POST", "CONTENT_TYPE": "text/plain"], body: "a=1")
        #expect(throws: ClientError.self) { try plain.form() }
    }
}

@Suite("Cookies")
struct CookieTests {
    @Test func parsesAndKeepsFirstOfAName() {
        let cookies = Cookies.parse("a=1; b = 2 ;a=3; junk; =x")
        #expect(cookies["a"] == "1")
        #expect(cookies["b"] == "2")
    }

    @Test func ignoresOversizedHeader() {
        #expect(Cookies.parse("a=" + String(repeating: "x", count: 9000)).isEmpty)
    }

    @Test func setCookieIsHttpOnlyAndLax() {
        let value = Cookies.setCookie(name: "pp_sid", value: "v", maxAge: 60, secure: true)
        #expect(value == "pp_sid=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure")
    }
}

@Suite("Multipart")
struct MultipartTests {
    func body(_ parts: [String], boundary: String = "XyZ") -> [UInt8] {
        Array((parts.map { "--\(boundary)\r\n\($0)\r\n" }.joined() + "--\(boundary)--\r\n").utf8)
    }

    @Test func parsesFieldsAndFiles() throws {
        let parts = try Multipart.parse(body([
            "Content-Disposition: form-data; name=\"title\"\r\n\r\nHello",
            "Content-Disposition: form-data; name=\"file\"; filename=\"a;b.png\"\r\nContent-Type: image/png\r\n\r\n\u{89}PNG",
        ]), boundary: "XyZ")
        #expect(parts.count == 2)
        #expect(parts[0].name == "title")
        #expect(String(decoding: parts[0].body, as: UTF8.self) == "Hello")
        #expect(parts[1].filename == "a;b.png")
        #expect(parts[1].contentType == "image/png")
    }

    @Test func readsBoundaryFromContentType() {
        #expect(Multipart.boundary(fromContentType: "multipart/form-data; boundary=\"abc\"") == "abc")
        #expect(Multipart.boundary(fromContentType: "multipart/form-data") == nil)
        #expect(Multipart.boundary(fromContentType: "text/plain; boundary=abc") == nil)
        #expect(Multipart.boundary(fromContentType: "multipart/form-data; boundary=" + String(repeating: "a", count: 71)) == nil)
    }

    @Test func rejectsMalformedBodies() {
        // Boundary never appears.
        #expect(throws: ClientError.self) { try Multipart.parse(Array("hello".utf8), boundary: "XyZ") }
        // A part never closed.
        #expect(throws: ClientError.self) {
            try Multipart.parse(Array("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end".utf8), boundary: "XyZ")
        }
        // No Content-Disposition.
        #expect(throws: ClientError.self) { try Multipart.parse(body(["Content-Type: text/plain\r\n\r\nx"]), boundary: "XyZ") }
        // A bare LF smuggled into a header line.
        #expect(throws: ClientError.self) {
            try Multipart.parse(body(["Content-Disposition: form-data; name=\"a\"\nX-Evil: 1\r\n\r\nx"]), boundary: "XyZ")
        }
    }

    @Test func capsThePartCount() {
        let many = (0..<(Multipart.maxParts + 1)).map { "Content-Disposition: form-data; name=\"f\($0)\"\r\n\r\nx" }
        #expect(throws: ClientError.self) { try Multipart.parse(body(many), boundary: "XyZ") }
    }
}

@Suite("Request origin")
struct RequestOriginTests {
    func origin(host: String?, port: String?, https: Bool = false) throws -> String? {
        var params = ["REQUEST_URI": "/"]
        params["HTTP_HOST"] = host
        params["SERVER_PORT"] = port
        if https { params["HTTPS"] = "on" }
        return try Request(cgi: params, body: [], requestID: "t").selfOrigin
    }

    @Test func rebuildsTheOriginNginxHidesThePortOf() throws {
        // nginx's stock fastcgi_params sends $host, which has no port.
        #expect(try origin(host: "127.0.0.1", port: "18080") == "http://127.0.0.1:18080")
        #expect(try origin(host: "example.org", port: "80") == "http://example.org")
        #expect(try origin(host: "example.org", port: "443", https: true) == "https://example.org")
        #expect(try origin(host: "example.org:8443", port: "443", https: true) == "https://example.org:8443")
        #expect(try origin(host: "[::1]", port: "8080") == "http://[::1]:8080")
        #expect(try origin(host: "[::1]:9000", port: "8080") == "http://[::1]:9000")
        #expect(try origin(host: nil, port: "80") == nil)
    }
}
