import Testing

@testable import Web

@Suite("Form and query parsing")
struct FormDataTests {
    @Test func decodesPlusPercentAndUnicode() throws {
        let form = try FormData(query: "name=Ada+Lovelace&city=Z%C3%BCrich&empty=&flag")
        #expect(try form.value("name") == "Ada Lovelace")
        #expect(try form.value("city") == "Zürich")
        #expect(try form.value("empty") == "")
        #expect(try form.value("flag") == "")
        #expect(try form.value("missing") == nil)
    }

    @Test(arguments: [
        "name=%ZZ",  // not hex
        "name=%4",  // truncated escape
        "name=%FF",  // invalid UTF-8
        "name=%C0%AE",  // overlong encoding of "."
        "name=%ED%A0%80",  // UTF-16 surrogate encoded in UTF-8
        "name=a%00b",  // NUL byte
    ])
    func rejectsMalformedEncoding(_ query: String) {
        #expect(throws: ClientError.self) { try FormData(query: query) }
    }

    @Test func duplicateFieldIsAnError() throws {
        let form = try FormData(query: "csrf=a&csrf=b")
        #expect(throws: ClientError.badRequest("The field “csrf” was sent more than once.")) { try form.value("csrf") }
        #expect(form.values("csrf") == ["a", "b"])
    }

    @Test func limitsFieldCountAndSize() {
        let many = (0..<201).map { "f\($0)=x" }.joined(separator: "&")
        #expect(throws: ClientError.self) { try FormData(query: many) }
        let long = "f=" + String(repeating: "x", count: 70_000)
        #expect(throws: ClientError.self) { try FormData(query: long) }
    }

    @Test func keepsSQLMetacharactersVerbatim() throws {
        let form = try FormData(query: "q=%27%3B+DROP+TABLE+rooms%3B--")
        #expect(try form.value("q") == "'; DROP TABLE rooms;--")
    }
}
