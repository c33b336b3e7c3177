import Testing

@testable import Markdown

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
