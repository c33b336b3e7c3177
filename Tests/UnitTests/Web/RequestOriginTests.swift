import Testing

@testable import Web

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
