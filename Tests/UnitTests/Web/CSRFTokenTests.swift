import Testing

@testable import Web

@Suite("CSRF tokens")
struct CSRFTokenTests {
    @Test func csrfTokensBindToTheSession() {
        let csrf = CSRFProtector(secret: String(repeating: "s", count: 40))
        let token = csrf.token(forSession: "session-a")
        #expect(csrf.isValid(token, forSession: "session-a"))
        #expect(!csrf.isValid(token, forSession: "session-b"))
        #expect(!csrf.isValid(nil, forSession: "session-a"))
        #expect(!csrf.isValid("", forSession: "session-a"))
        #expect(!CSRFProtector(secret: String(repeating: "t", count: 40)).isValid(token, forSession: "session-a"))
    }

    @Test func crossSiteRequestsAreRecognised() {
        let allowed = ["http://127.0.0.1:8080"]
        #expect(CSRFProtector.isCrossSite(origin: "https://evil.example", secFetchSite: nil, allowedOrigins: allowed))
        #expect(CSRFProtector.isCrossSite(origin: nil, secFetchSite: "cross-site", allowedOrigins: allowed))
        #expect(CSRFProtector.isCrossSite(origin: "null", secFetchSite: nil, allowedOrigins: allowed))
        #expect(!CSRFProtector.isCrossSite(origin: "http://127.0.0.1:8080", secFetchSite: "same-origin", allowedOrigins: allowed))
        #expect(!CSRFProtector.isCrossSite(origin: nil, secFetchSite: nil, allowedOrigins: allowed))
    }
}
