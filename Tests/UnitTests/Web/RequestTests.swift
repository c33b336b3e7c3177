import Testing

@testable import App
@testable import Web

@Suite("Request")
struct RequestTests {
    func request(_ params: [String: String], body: String = "") throws -> Request {
        try Request(cgi: params, body: Array(body.utf8), requestID: "t")
    }

    @Test func decodesPathAndQuery() throws {
        let r = try request([
            "REQUEST_METHOD": "get", "REQUEST_URI": "/r/ab%63-def?since=3", "QUERY_STRING": "since=3",
            "HTTP_COOKIE": "pp_sid=abc; other=1", "REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6",
        ])
        #expect(r.method == "GET")
        #expect(r.path == "/r/abc-def")
        #expect(try r.query.value("since") == "3")
        #expect(r.cookies["pp_sid"] == "abc")
        // The client address is nginx's REMOTE_ADDR; a forwarded-for header changes nothing.
        #expect(r.remoteAddress == "127.0.0.1")
    }

    /// Regression (issue 9): a dual-stack nginx passes IPv4 clients as ::ffff:a.b.c.d; left as
    /// IPv6, every IPv4 client fell into the one /64 bucket 0:0:0:0::/64 and shared its limits.
    @Test(arguments: [
        ("::ffff:203.0.113.7", "203.0.113.7"), ("::FFFF:198.51.100.1", "198.51.100.1"),
        ("0:0:0:0:0:ffff:192.0.2.9", "192.0.2.9"), ("203.0.113.7", "203.0.113.7"),
        ("2001:db8::1", "2001:db8::1"), ("::ffff:999.1.1.1", "::ffff:999.1.1.1"), ("::1", "::1"),
    ])
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
