import Testing

@testable import Web

@Suite("Chat formatting")
struct ChatFormatTests {
    @Test func escapesEverything() {
        #expect(
            ChatFormat.html("<script>alert(1)</script> & \"x\" 'y'").html
                == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;")
    }

    @Test func linksOnlyHTTPAndHTTPSWithSafeRelations() {
        #expect(
            ChatFormat.html("see https://example.com/a?b=1&c=2.").html
                == "see <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow noopener ugc\" target=\"_blank\">https://example.com/a?b=1&amp;c=2</a>."
        )
        #expect(!ChatFormat.html("javascript:alert(1)").html.contains("<a"))
        #expect(!ChatFormat.html("data:text/html,<b>x</b>").html.contains("<a"))
        #expect(!ChatFormat.html("xhttps://evil").html.contains("<a"))
    }

    @Test func attributeBreakOutsStayInsideTheLink() {
        let html = ChatFormat.html("https://x.test/\"onmouseover=\"alert(1)").html
        #expect(!html.contains("\"onmouseover"))
        #expect(html.contains("&quot;onmouseover=&quot;alert(1)"))
    }
}
