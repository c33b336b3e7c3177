import Testing

@testable import Domain

@Suite("Vault rules")
struct VaultRulesTests {
    @Test func draftTrimsAndKeepsLineBreaks() throws {
        let draft = try QuoteDraft(body: "  Be **here**.\r\n\r\nNow. ", source: "  Ram Dass ", tags: "Focus, deep  work,#calm, focus,")
        #expect(draft.body == "Be **here**.\n\nNow.")
        #expect(draft.source == "Ram Dass")
        #expect(draft.tags.values == ["focus", "deep-work", "calm"])
    }

    @Test(arguments: [
        ("", "", ""), ("a\u{0}b", "", ""), ("evil \u{202E}txt", "", ""), (String(repeating: "q", count: 4001), "", ""),
        ("Title\n---\nmore", "", ""), ("ok", "two\nlines", ""), ("ok", String(repeating: "s", count: 201), ""),
        ("ok", "", "a,b,c,d,e,f,g,h,i,j,k"), ("ok", "", String(repeating: "t", count: 33)), ("ok", "", "<script>"),
        ("ok", "", "a;b"),
    ])
    func refuses(_ body: String, _ source: String, _ tags: String) {
        #expect(throws: VaultRefusal.self) { try QuoteDraft(body: body, source: source, tags: tags) }
    }

    @Test func boundsAreInclusive() throws {
        _ = try QuoteDraft(
            body: String(repeating: "q", count: 4000), source: String(repeating: "s", count: 200),
            tags: (1...10).map { "t\($0)" + String(repeating: "x", count: 29) }.joined(separator: ","))
    }

    @Test func searchEscapesPatternCharacters() throws {
        #expect(try VaultSearch(validating: "  ")?.likePattern == nil)
        #expect(try VaultSearch(validating: "100%_a\\b")?.likePattern == "%100\\%\\_a\\\\b%")
        #expect(throws: VaultRefusal.self) { try VaultSearch(validating: String(repeating: "x", count: 101)) }
    }

    @Test func markdownRoundTrips() throws {
        let quotes = [
            try QuoteDraft(body: "First line\n\nSecond *paragraph*", source: "Someone", tags: "a, b"),
            try QuoteDraft(body: "No source", source: "", tags: "calm"),
            try QuoteDraft(body: "Bare", source: "", tags: ""),
        ]
        let text = VaultMarkdown.document(quotes.map { VaultMarkdown.block(body: $0.body, source: $0.source, tags: $0.tags.values) })
        let parsed = VaultMarkdown.parse(text)
        #expect(parsed.problems.isEmpty)
        #expect(parsed.drafts == quotes)
    }

    @Test func parseReadsSourcesTagsAndReportsBlocksByNumber() {
        let text = "\n---\nOne\n-- Two dashes\nTAGS: x\n\n---\n\n---\n— only a source\n---\nfine\r\n---\nlast\ntags: bad;tag\n"
        let parsed = VaultMarkdown.parse(text)
        #expect(parsed.drafts.count == 2)
        #expect(parsed.drafts[0].source == "Two dashes" && parsed.drafts[0].tags.values == ["x"])
        #expect(parsed.drafts[1].body == "fine")
        #expect(parsed.problems.map(\.block) == [2, 4])
    }
}
