import Foundation
import Mustache
import Testing

@testable import App
@testable import Domain
@testable import Web

/// Mail bodies come from Templates/mail/ as plain text: what goes in comes out byte for byte.
@Suite("Mail templates")
struct MailTemplateTests {
    static let templatesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Templates").path
    static let name = "a&b<c> \"d\" 'e'"
    static let link = "https://pomo.example/auth/magic?x=1&y=2&token=<t>"
    static let base = "https://pomo.example/p?x=1&y=2"
    static let context: TemplateContext = ["name": .text(name), "link": .text(link), "base_url": .text(base)]

    @Test(arguments: MailTemplate.allCases)
    func valuesArriveVerbatim(_ mail: MailTemplate) throws {
        let body = mail.body(Self.context, templates: try TemplateLibrary(directory: Self.templatesDirectory))
        let source = try String(contentsOfFile: Self.templatesDirectory + "/\(mail.templateName).mustache", encoding: .utf8)
        for (key, value) in [("name", Self.name), ("link", Self.link), ("base_url", Self.base)] where source.contains("{{\(key)}}") {
            #expect(body.contains(value), "\(key) in \(mail)")
        }
        #expect(!body.contains("&amp;") && !body.contains("&lt;") && !body.contains("&quot;") && !body.contains("&#"))
        #expect(!body.hasSuffix("\n") && !body.hasPrefix("{{"))
    }

    /// The reference implementation in its text mode renders the same, so the mail templates
    /// stay plain Mustache too.
    @Test(arguments: MailTemplate.allCases)
    func matchesTheReferenceInTextMode(_ mail: MailTemplate) throws {
        let source = try String(contentsOfFile: Self.templatesDirectory + "/\(mail.templateName).mustache", encoding: .utf8)
        var library = MustacheLibrary()
        try library.register("{{% CONTENT_TYPE: TEXT}}\n" + source, named: "t")
        let oracle = library.render(TemplateTests.plain(Self.context), withTemplate: "t")
        #expect(try TemplateLibrary(sources: ["t": source]).renderPlainText("t", Self.context) == oracle)
    }

    @Test func pagesStillEscapeWhatMailLeavesAlone() throws {
        let library = try TemplateLibrary(sources: ["t": "{{x}}|{{{x}}}"])
        #expect(library.renderPlainText("t", ["x": .text("<a&b>")]) == "<a&b>|<a&b>")
        #expect(String(decoding: library.render("t", ["x": .text("<a&b>")]), as: UTF8.self) == "&lt;a&amp;b&gt;|&lt;a&amp;b&gt;")
    }

    @Test func everyMailTemplateIsRequiredAtStartUp() {
        for mail in MailTemplate.allCases { #expect(Views.requiredTemplates.contains(mail.templateName)) }
    }

    /// Header injection: a line break in a header value must not start a header of its own.
    @Test(arguments: ["Hi\r\nBcc: evil@example.org", "Hi\nBcc: evil@example.org", "Hi\rBcc: evil@example.org"])
    func headerValuesStayOnOneLine(_ subject: String) {
        let message = String(
            decoding: Outbox.message(
                from: "pomo@example.org", to: "ann@example.org\r\nCc: x@example.org",
                subject: subject, body: "Hello"), as: UTF8.self)
        let headers = message.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(!headers.contains { $0.hasPrefix("Bcc:") || $0.hasPrefix("Cc:") })
        #expect(headers.contains("Subject: " + subject.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")))
    }
}
