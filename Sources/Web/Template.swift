import Foundation

/// HTML that is trusted as it is: our own rendered fragments and Markdown rendered with raw HTML
/// off. User text never becomes SafeHTML except through those two doors.
public struct SafeHTML: Sendable, Equatable {
    public let html: String
    public init(trusted html: String) { self.html = html }
}

public struct TemplateError: Error, CustomStringConvertible {
    public let template: String
    public let message: String
    public init(template: String, message: String) {
        self.template = template
        self.message = message
    }
    public var description: String { "template \(template): \(message)" }
}

/// The templates of Templates/, compiled once at start-up into a flat tree of byte runs and
/// lookups. The syntax is Mustache (variables, sections, inverted sections, partials,
/// comments, standalone-line rules); rendering appends bytes to one buffer and escapes byte by
/// byte, which is what makes a page cost microseconds rather than the milliseconds a
/// reflection-based renderer takes (see ARCHITECTURE.md).
public final class TemplateLibrary: Sendable {
    enum Node: Sendable {
        case text([UInt8])
        case escaped([TemplateKey])
        case raw([TemplateKey])
        case section([TemplateKey], [Node], inverted: Bool)
        case partial(String, indent: [UInt8])
        /// A partial once every template is compiled: its place in `bodies`, so rendering one
        /// costs no name built and hashed.
        case include(Int, indent: [UInt8])
    }

    /// Every template's nodes (with partials resolved to `include`), and where each is by name.
    let bodies: [[Node]]
    let templates: [String: Int]
    public var names: [String] { templates.keys.filter { !$0.contains("\u{1}") }.sorted() }

    /// Loads every `.mustache` file below `directory`, named by its relative path without the
    /// extension. Throws if any is malformed or names a partial that does not exist.
    public convenience init(directory: String) throws {
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw TemplateError(template: directory, message: "directory not found")
        }
        var sources: [String: String] = [:]
        for case let url as URL in enumerator where url.pathExtension == "mustache" {
            let relative = url.standardizedFileURL.path.dropFirst(root.path.count + 1)
            let name = String(relative.dropLast(".mustache".count))
            guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                throw TemplateError(template: name, message: "unreadable or not UTF-8")
            }
            sources[name] = text
        }
        try self.init(sources: sources)
    }

    public init(sources: [String: String]) throws {
        var compiled: [String: [Node]] = [:]
        for (name, source) in sources {
            compiled[name] = try Self.compile(Array(source.utf8), name: name)
        }
        for (name, nodes) in compiled {
            for (partial, _) in Self.partials(in: nodes) where compiled[partial] == nil {
                throw TemplateError(template: name, message: "names partial “\(partial)”, which does not exist")
            }
        }
        // A standalone partial tag indents every line of the partial: compile one indented copy
        // per (partial, indentation) used, so rendering stays a plain walk.
        var pending = compiled.values.flatMap { Self.partials(in: $0) }.filter { !$0.indent.isEmpty }
        while let (name, indent) = pending.popLast() {
            let key = Self.indentedName(name, indent)
            guard compiled[key] == nil, indent.count <= 64, let base = compiled[name] else { continue }
            let indented = Self.indent(base, by: indent, isLast: true)
            compiled[key] = [.text(indent)] + indented
            pending += Self.partials(in: indented).filter { !$0.indent.isEmpty }
        }
        let names = compiled.keys.sorted()
        var places: [String: Int] = [:]
        for (place, name) in names.enumerated() { places[name] = place }
        bodies = names.map { Self.resolve(compiled[$0]!, places) }
        templates = places
    }

    /// The nodes with each partial replaced by its place: the indented copy when there is one
    /// (past 64 characters of indentation there is none), else the partial itself.
    static func resolve(_ nodes: [Node], _ places: [String: Int]) -> [Node] {
        nodes.map { node in
            switch node {
            case .partial(let name, let indent):
                let place = (indent.isEmpty ? nil : places[indentedName(name, indent)]) ?? places[name]!
                return .include(place, indent: indent)
            case .section(let path, let children, let inverted):
                return .section(path, resolve(children, places), inverted: inverted)
            default:
                return node
            }
        }
    }

    public func has(_ name: String) -> Bool { templates[name] != nil }

    public func render(_ name: String, _ context: TemplateContext) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8192)
        render(name, context, into: &out)
        return out
    }

    public func render(_ name: String, _ context: TemplateContext, into out: inout [UInt8]) {
        guard let place = templates[name] else { preconditionFailure("unknown template \(name)") }
        var stack = [context]
        render(bodies[place], &stack, &out, depth: 0, html: true)
    }

    /// For text/plain output (mail), never for a page: every value goes out as it is, since
    /// there is no markup for it to break, and escaping would change a name like `a&b` or a
    /// link's query string.
    public func renderPlainText(_ name: String, _ context: TemplateContext) -> String {
        guard let place = templates[name] else { preconditionFailure("unknown template \(name)") }
        var stack = [context]
        var out: [UInt8] = []
        render(bodies[place], &stack, &out, depth: 0, html: false)
        return String(decoding: out, as: UTF8.self)
    }

    private func render(_ nodes: [Node], _ stack: inout [TemplateContext], _ out: inout [UInt8], depth: Int, html: Bool) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                out.append(contentsOf: bytes)
            case .escaped(let path) where !html, .raw(let path) where !html:
                guard let value = Self.lookup(path, stack) else { continue }
                switch value {
                case .text(let s): out.append(contentsOf: s.utf8)
                case .html(let h): out.append(contentsOf: h.html.utf8)
                case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
                case .list, .object: break
                }
            case .escaped(let path):
                guard let value = Self.lookup(path, stack) else { continue }
                switch value {
                case .text(let s): HTMLEscape.append(s, to: &out)
                case .html(let h): HTMLEscape.append(h.html, to: &out)
                case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
                case .list, .object: break
                }
            case .raw(let path):
                guard let value = Self.lookup(path, stack) else { continue }
                switch value {
                case .html(let h): out.append(contentsOf: h.html.utf8)
                // Plain text stays escaped even in a triple mustache: only SafeHTML is raw.
                case .text(let s): HTMLEscape.append(s, to: &out)
                case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
                case .list, .object: break
                }
            case .section(let path, let children, let inverted):
                let value = Self.lookup(path, stack)
                let falsey = value?.isFalsey ?? true
                if inverted {
                    if falsey { render(children, &stack, &out, depth: depth, html: html) }
                    continue
                }
                guard let value, !falsey else { continue }
                switch value {
                case .list(let items):
                    for item in items {
                        stack.append(item)
                        render(children, &stack, &out, depth: depth, html: html)
                        stack.removeLast()
                    }
                case .object(let object):
                    stack.append(object)
                    render(children, &stack, &out, depth: depth, html: html)
                    stack.removeLast()
                default:
                    render(children, &stack, &out, depth: depth, html: html)
                }
            case .partial:
                // Resolved to `include` when the library was made.
                continue
            case .include(let place, let indent):
                // Recursive partials are legal Mustache; the depth cap keeps a mistake finite.
                guard depth < 32 else { continue }
                let start = out.count
                render(bodies[place], &stack, &out, depth: depth + 1, html: html)
                // Indentation goes after every newline of the partial but its last; when the
                // partial ends in sections that rendered nothing, the last newline is only
                // known now, and its indentation starts a line with nothing on it.
                if !indent.isEmpty, out.count - start > indent.count, out[out.count - indent.count - 1] == 10,
                    out[(out.count - indent.count)...].elementsEqual(indent)
                {
                    out.removeLast(indent.count)
                }
            }
        }
    }

    static func lookup(_ path: [TemplateKey], _ stack: [TemplateContext]) -> TemplateValue? {
        guard let first = path.first else { return nil }
        var found: TemplateValue? = nil
        for context in stack.reversed() {
            if let value = context[first] {
                found = value
                break
            }
        }
        for key in path.dropFirst() {
            guard case .object(let object)? = found else { return nil }
            found = object[key]
        }
        return found
    }

    static func partials(in nodes: [Node]) -> [(name: String, indent: [UInt8])] {
        nodes.flatMap { node -> [(name: String, indent: [UInt8])] in
            switch node {
            case .partial(let name, let indent): return [(name, indent)]
            case .section(_, let children, _): return partials(in: children)
            default: return []
            }
        }
    }

    static func indentedName(_ name: String, _ indent: [UInt8]) -> String {
        name + "\u{1}" + String(decoding: indent, as: UTF8.self)
    }

    /// Inserts `indent` after every newline of the template text except the very last one.
    static func indent(_ nodes: [Node], by indent: [UInt8], isLast: Bool) -> [Node] {
        nodes.enumerated().map { index, node in
            let last = isLast && index == nodes.count - 1
            switch node {
            case .text(let bytes):
                var out: [UInt8] = []
                for (i, byte) in bytes.enumerated() {
                    out.append(byte)
                    if byte == 10 && !(last && i == bytes.count - 1) { out += indent }
                }
                return .text(out)
            case .section(let path, let children, let inverted):
                return .section(path, Self.indent(children, by: indent, isLast: last), inverted: inverted)
            case .partial(let name, let inner):
                return .partial(name, indent: inner + indent)
            default:
                return node
            }
        }
    }
}

// MARK: - Compiler

extension TemplateLibrary {
    enum Token {
        case text([UInt8])
        case tag(kind: UInt8, name: String, indent: [UInt8])
    }

    static let open: [UInt8] = Array("{{".utf8)

    static func compile(_ source: [UInt8], name: String) throws -> [Node] {
        let tokens = try tokenize(source, name: name)
        var stack: [(name: String, inverted: Bool, nodes: [Node])] = [("", false, [])]
        for token in tokens {
            switch token {
            case .text(let bytes):
                if !bytes.isEmpty { stack[stack.count - 1].nodes.append(.text(bytes)) }
            case .tag(let kind, let tagName, let indent):
                let path = tagName.split(separator: ".").map { TemplateKey(String($0)) }
                switch kind {
                case UInt8(ascii: "#"), UInt8(ascii: "^"):
                    stack.append((tagName, kind == UInt8(ascii: "^"), []))
                case UInt8(ascii: "/"):
                    guard stack.count > 1, let top = stack.last, top.name == tagName else {
                        throw TemplateError(template: name, message: "closing {{/\(tagName)}} does not match an open section")
                    }
                    stack.removeLast()
                    let sectionPath = top.name.split(separator: ".").map { TemplateKey(String($0)) }
                    stack[stack.count - 1].nodes.append(.section(sectionPath, top.nodes, inverted: top.inverted))
                case UInt8(ascii: ">"):
                    stack[stack.count - 1].nodes.append(.partial(tagName, indent: indent))
                case UInt8(ascii: "!"):
                    break
                case UInt8(ascii: "{"), UInt8(ascii: "&"):
                    stack[stack.count - 1].nodes.append(.raw(path))
                default:
                    stack[stack.count - 1].nodes.append(.escaped(path))
                }
            }
        }
        guard stack.count == 1 else {
            throw TemplateError(template: name, message: "section {{#\(stack.last!.name)}} is never closed")
        }
        return stack[0].nodes
    }

    /// Splits source into text and tags, applying Mustache's standalone-line rule: a line that
    /// holds only one section, inverted, closing, comment or partial tag leaves no trace.
    static func tokenize(_ s: [UInt8], name: String) throws -> [Token] {
        let standaloneKinds: [UInt8] = Array("#^/>!".utf8)
        var tokens: [Token] = []
        var text: [UInt8] = []
        // Where the current line starts in `text`; nil once a tag has appeared on this line.
        var lineStart: Int? = 0
        var i = 0
        while i < s.count {
            guard i + 1 < s.count, s[i] == open[0], s[i + 1] == open[1] else {
                text.append(s[i])
                if s[i] == 10 { lineStart = text.count }
                i += 1
                continue
            }
            let tagStart = i
            var kind: UInt8 = 0
            var j = i + 2
            let triple = j < s.count && s[j] == UInt8(ascii: "{")
            if j < s.count, Array("#^/>!{&=".utf8).contains(s[j]) {
                kind = s[j]
                j += 1
            }
            if kind == UInt8(ascii: "=") {
                throw TemplateError(template: name, message: "changing delimiters is not supported")
            }
            let close: [UInt8] = triple ? Array("}}}".utf8) : Array("}}".utf8)
            guard let end = Multipart.find(close, in: s, from: j) else {
                throw TemplateError(template: name, message: "unclosed tag at byte \(tagStart)")
            }
            let inner = String(decoding: s[j..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if kind != UInt8(ascii: "!") {
                guard !inner.isEmpty, inner.allSatisfy({ $0.isLetter || $0.isNumber || "_./-".contains($0) }) else {
                    throw TemplateError(template: name, message: "bad tag name “\(inner)” at byte \(tagStart)")
                }
            }
            var next = end + close.count
            if standaloneKinds.contains(kind), let start = lineStart, !text[start...].contains(where: { $0 != 32 && $0 != 9 }) {
                var k = next
                while k < s.count && (s[k] == 32 || s[k] == 9) { k += 1 }
                if k == s.count || s[k] == 10 || (s[k] == 13 && k + 1 < s.count && s[k + 1] == 10) {
                    let indent = Array(text[start...])
                    text.removeSubrange(start...)
                    next = k == s.count ? k : (s[k] == 13 ? k + 2 : k + 1)
                    tokens.append(.text(text))
                    text = []
                    tokens.append(.tag(kind: kind, name: inner, indent: indent))
                    lineStart = 0
                    i = next
                    continue
                }
            }
            tokens.append(.text(text))
            text = []
            tokens.append(.tag(kind: kind, name: inner, indent: []))
            lineStart = nil
            i = next
        }
        tokens.append(.text(text))
        return tokens
    }
}
