import Foundation
import Mustache
import Testing

@testable import Web

/// Our compiled templates must render exactly what the reference Mustache implementation
/// (swift-mustache) renders, on the real Templates/ and on the spec's tricky cases.
@Suite("Templates")
struct TemplateTests {
    static let templatesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Templates").path

    /// The same context as swift-mustache's dictionaries.
    static func plain(_ value: TemplateValue) -> Any {
        switch value {
        case .text(let s): return s
        case .html(let h): return h.html
        case .bool(let b): return b
        case .list(let items): return items.map { plain($0) }
        case .object(let o): return plain(o)
        }
    }

    static func plain(_ context: TemplateContext) -> [String: Any] {
        context.values.mapValues { plain($0) }
    }

    func oracle(_ sources: [String: String], _ name: String, _ context: TemplateContext) throws -> String {
        var library = MustacheLibrary()
        for (n, s) in sources { try library.register(s, named: n) }
        return library.render(Self.plain(context), withTemplate: name) ?? "<missing>"
    }

    func ours(_ sources: [String: String], _ name: String, _ context: TemplateContext) throws -> String {
        String(decoding: try TemplateLibrary(sources: sources).render(name, context), as: UTF8.self)
    }

    static let hostile = "<script>alert('x')</script> \" autofocus onfocus=alert(1) x=\" {{> layout}} & é"

    static let richContext: TemplateContext = [
        "title": .text(hostile), "csrf": .text("tok\"en"), "asset_version": .text("v1"),
        "content": .html(SafeHTML(trusted: "<p>trusted</p>")),
        "code": .text("ABC-DEF"), "version": .text("7"), "theme": .text("midnight_bloom"),
        "participant_count": .text("2 people · 1 online"), "share_url": .text("http://x/r/ABC-DEF"),
        "name_input": .text(hostile), "code_input": .text(hostile),
        "create_error": .text(hostile), "join_error": .text(hostile),
        "participants": .list([
            ["name": .text(hostile), "is_host": .bool(true), "online": .bool(true), "initial": .text("<")],
            ["name": .text("Bob"), "is_host": .bool(false), "online": .bool(false), "initial": .text("B")],
        ]),
        "me": .object(["name": .text(hostile), "is_host": .bool(true)]),
        "status": .text("503"), "heading": .text("Temporarily unavailable"), "message": .text(hostile),
        "request_id": .text("abc"), "has_kept": .bool(true),
        "kept": .list([["name": .text("display_name"), "value": .text(hostile)]]),
        "achievement_notice": .object([
            "heading": .text(hostile), "next": .text(hostile), "username": .text(hostile),
            "achievements": .list([["name": .text(hostile), "title": .text(hostile), "summary": .text(hostile)]]),
        ]),
        "show_achievements": .bool(true), "has_achievements": .bool(true),
        "achievements": .list([
            ["title": .text(hostile), "summary": .text(hostile), "earned_on": .text(hostile), "earned_iso": .text(hostile)]
        ]),
    ]

    @Test func everyRealTemplateMatchesTheReference() throws {
        let library = try TemplateLibrary(directory: Self.templatesDirectory)
        var sources: [String: String] = [:]
        for name in library.names {
            sources[name] = try String(contentsOfFile: Self.templatesDirectory + "/" + name + ".mustache", encoding: .utf8)
        }
        #expect(sources.count >= 5)
        for name in library.names {
            for context in [Self.richContext, TemplateContext()] {
                #expect(try ours(sources, name, context) == oracle(sources, name, context), "template \(name)")
            }
        }
    }

    @Test(arguments: [
        ("Hello {{name}}!", "plain variable"),
        ("{{{html}}}|{{&html}}", "raw"),
        ("{{#list}}[{{n}}]{{/list}}", "list"),
        ("{{^list}}none{{/list}}{{^missing}}missing{{/missing}}", "inverted"),
        ("{{#obj}}{{name}}{{/obj}}", "object push"),
        ("{{obj.name}}", "dotted"),
        ("{{#list}}{{name}}{{/list}}", "outer lookup from inside a section"),
        ("a\n  {{#flag}}\n  yes\n  {{/flag}}\nb\n", "standalone section lines"),
        ("a\n{{! comment }}\nb", "standalone comment"),
        ("a {{#flag}}x{{/flag}} b\n", "inline section keeps spaces"),
        ("{{#flag}}\r\nx\r\n{{/flag}}\r\n", "CRLF standalone"),
        ("  {{>p}}\n", "standalone partial"),
        ("{{#empty}}no{{/empty}}{{^empty}}empty list{{/empty}}", "empty list is falsey"),
        ("{{#text}}non-empty text is truthy{{/text}}", "truthy text"),
    ])
    func matchesTheReferenceOn(_ source: String, _ label: String) throws {
        let context: TemplateContext = [
            "name": .text("<Ann & \"Bo\">"), "html": .html(SafeHTML(trusted: "<i>x</i>")), "flag": .bool(true),
            "list": .list([["n": .text("1")], ["n": .text("2")]]), "empty": .list([]),
            "obj": .object(["name": .text("inner")]), "text": .text("t"),
        ]
        let sources = ["t": source, "p": "partial {{name}}\n"]
        #expect(try ours(sources, "t", context) == oracle(sources, "t", context), "\(label)")
    }

    @Test func plainTextStaysEscapedEvenInATripleMustache() throws {
        let out = try ours(["t": "{{{x}}}"], "t", ["x": .text("<script>")])
        #expect(out == "&lt;script&gt;")
    }

    @Test(arguments: [
        ("{{#a}}never closed", "never closed"),
        ("{{/a}}", "does not match"),
        ("{{#a}}{{/b}}", "does not match"),
        ("{{> nowhere}}", "does not exist"),
        ("{{unclosed", "unclosed tag"),
        ("{{=<% %>=}}", "delimiters"),
        ("{{bad name!}}", "bad tag name"),
    ])
    func brokenTemplatesAreRefusedAtLoad(_ source: String, _ expected: String) {
        #expect {
            try TemplateLibrary(sources: ["t": source])
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}
