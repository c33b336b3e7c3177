import Testing

@testable import Web

@Suite("Content-Security-Policy")
struct ContentSecurityPolicyTests {
    func csp(_ response: Response) -> String {
        let head = String(decoding: response.serialize(requestID: "id"), as: UTF8.self)
        return head.split(separator: "\r\n").first { $0.hasPrefix("Content-Security-Policy: ") }.map(String.init) ?? ""
    }

    @Test func formsGoToThisSiteOnlyUnlessAPageNamesMore() {
        #expect(csp(Response.text("x")).contains("form-action 'self';"))
        var login = Response.text("x")
        login.formActionOrigins = ["https://github.com", "bad; script-src *"]
        #expect(csp(login).contains("form-action 'self' https://github.com;"))
        #expect(!csp(login).contains("script-src *"), "an origin cannot add a directive")
    }
}
