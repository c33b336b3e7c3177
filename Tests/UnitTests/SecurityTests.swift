import Testing
@testable import Markdown
@testable import Sodium
@testable import Web

@Suite("Escaping")
struct EscapingTests {
    @Test(arguments: [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("\" autofocus onfocus=alert(1) x=\"", "&quot; autofocus onfocus=alert(1) x=&quot;"),
        ("O'Brien & <b>", "O&#39;Brien &amp; &lt;b&gt;"),
        ("{{> layout}}", "{{&gt; layout}}"),
        ("plain ünïcode", "plain ünïcode"),
    ])
    func escapesHTML(_ input: String, _ expected: String) {
        #expect(HTMLEscape.escape(input) == expected)
    }

    @Test func jsonQuotingCannotOpenATag() {
        #expect(JSONText.quoted("</script><b>\"x\"\n\u{1}") == #""\u003c/script\u003e\u003cb\u003e\"x\"\n\u0001""#)
    }

    @Test func jsonErrorBodiesCannotOpenATagAndSayNullOnlyWhereAsked() {
        let body = Response.jsonError(ClientError.badRequest("</script><b> & \u{2028}/"), requestID: "r1").body
        #expect(String(decoding: body, as: UTF8.self) == #"{"error":"\u003c/script\u003e\u003cb\u003e \u0026 \u2028/","request_id":"r1"}"#)
        #expect(String(decoding: Response.jsonError(ClientError.badRequest("x")).body, as: UTF8.self) == #"{"error":"x"}"#)
        struct Absent: Encodable { @NullWhenAbsent var label: String? }
        #expect(String(decoding: JSONBody.encode(Absent(label: nil)), as: UTF8.self) == #"{"label":null}"#)
    }

    @Test func responseHeadersCannotBeSplit() {
        var response = Response.text("x")
        response.addHeader("X-Test", "a\r\nSet-Cookie: evil=1")
        let head = String(decoding: response.serialize(requestID: "id"), as: UTF8.self)
        #expect(head.contains("X-Test: aSet-Cookie: evil=1\r\n"))
        #expect(!head.contains("\r\nSet-Cookie: evil"))
    }

    @Test func everyResponseCarriesSecurityHeaders() {
        let head = String(decoding: Response.html([]).serialize(requestID: "id"), as: UTF8.self)
        #expect(head.hasPrefix("Status: 200 OK\r\n"))
        #expect(head.contains("Content-Security-Policy: default-src 'self'; script-src 'self';"))
        #expect(head.contains("frame-ancestors 'none'"))
        #expect(head.contains("X-Content-Type-Options: nosniff\r\n"))
        #expect(head.contains("Referrer-Policy: same-origin\r\n"))
        #expect(head.contains("Cache-Control: no-store\r\n"))
        #expect(!head.contains("unsafe-inline"))
    }

    @Test func logValuesStayOnOneLine() {
        let quoted = KeyValueLogHandler.quote("evil\r\nlevel=critical msg=forged")
        #expect(!quoted.contains("\n") && !quoted.contains("\r"))
        #expect(quoted == #""evil\r\nlevel=critical msg=forged""#)
        #expect(KeyValueLogHandler.quote("plain") == "plain")
    }
}

@Suite("Markdown safety")
struct MarkdownTests {
    @Test(arguments: [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](vbscript:msgbox)",
        "![i](javascript:alert(1))",
        "[ref][1]\n\n[1]: javascript:alert(1)",
    ])
    func rendersHostileInputInert(_ input: String) {
        let html = Markdown.renderSafeHTML(input).lowercased()
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<svg"))
        #expect(!html.contains("href=\"javascript:"))
        #expect(!html.contains("href=\"data:"))
        #expect(!html.contains("href=\"vbscript:"))
        #expect(!html.contains("onerror=") || html.contains("&lt;img"))
    }

    @Test func keepsOrdinaryMarkdown() {
        let html = Markdown.renderSafeHTML("**bold** and [a link](https://example.org)")
        #expect(html.contains("<strong>bold</strong>"))
        #expect(html.contains("<a rel=\"nofollow noopener ugc\" href=\"https://example.org\">a link</a>"))
    }

    @Test func everyLinkIsNofollowEvenInLinkText() {
        let html = Markdown.renderSafeHTML("[x](https://a.org) and <https://b.org> and `<a href=\"https://c.org\">`")
        #expect(html.components(separatedBy: "<a rel=\"nofollow noopener ugc\" href=").count == 3)
        #expect(!html.contains("<a href="))
    }

    @Test func emptyAndNULInputsAreHarmless() {
        #expect(Markdown.renderSafeHTML("") == "")
        #expect(!Markdown.renderSafeHTML("a\u{0}<script>").contains("<script"))
    }
}

@Suite("Tokens")
struct TokenTests {
    @Test func base64URLRoundTripsAndRejectsNonCanonical() {
        for n in 0..<40 {
            let bytes = Sodium.randomBytes(n)
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("ab+/") == nil)
        #expect(Base64URL.decode("AB") == nil) // leftover bits set
    }

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

@Suite("What reaches the log")
struct LogRedactionTests {
    @Test(arguments: [
        ("/auth/magic?token=abcDEF123", "/auth/magic?token=…"),
        ("/auth/github/callback?code=c0de&state=s7ate", "/auth/github/callback?code=…&state=…"),
        ("/auth/reset?%74oken=abc&x=1", "/auth/reset?%74oken=…&x=1"),
        ("/r/ABC123/poll?since=4", "/r/ABC123/poll?since=4"),
        ("/login", "/login"),
    ])
    func secretsInQueryStringsAreNeverLogged(_ uri: String, _ logged: String) {
        #expect(LogRedaction.uri(uri) == logged)
        #expect(!LogRedaction.uri(uri).contains("abc"))
    }
}

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
