import Testing

@testable import Domain

@Suite("Social links")
struct SocialLinksTests {
    @Test func acceptsUpToFiveHTTPSLinks() throws {
        let links = try SocialLinks(validating: "https://github.com/octo\r\n\n https://example.org/me \n")
        #expect(links.urls == ["https://github.com/octo", "https://example.org/me"])
    }

    @Test(arguments: [
        "http://example.org", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "https://",
        "https://exa mple.org", "https://example.org/\"onmouseover=\"x", "https://user@evil.org", "//example.org",
        "https://example.org/" + String(repeating: "a", count: 200),
        "https://a.org\nhttps://b.org\nhttps://c.org\nhttps://d.org\nhttps://e.org\nhttps://f.org",
    ])
    func refusesTheRest(_ text: String) {
        #expect(throws: SocialLinks.Problem.self) { try SocialLinks(validating: text) }
    }
}
