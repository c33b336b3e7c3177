import Foundation
import Testing

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

    /// Formatted by hand for speed (every request logs a line): still ISO 8601 in UTC, to the millisecond.
    @Test func logTimestampsAreISO8601InUTC() throws {
        let stamp = KeyValueLogHandler.timestamp()
        #expect(stamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(stamp)")
        let parsed = try #require(ISO8601DateFormatter.withFractions.date(from: stamp))
        #expect(abs(parsed.timeIntervalSinceNow) < 5)
    }
}

extension ISO8601DateFormatter {
    fileprivate static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
