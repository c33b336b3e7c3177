import Foundation

/// A JSON object sent to the API, read strictly: JSON content type only, at most `maxBytes`,
/// numbers must be JSON numbers (never strings) and whole where a whole number is asked for,
/// booleans must be `true` or `false`, and keys nobody reads are refused, so a typo is an error
/// rather than a setting silently left alone.
struct APIInput {
    /// Every body the API takes is a handful of fields.
    static let maxBytes = 4096

    enum Value: Decodable {
        case null
        case bool(Bool)
        case integer(Int)
        case number(Double)
        case string(String)
        case other

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                self = .null
            } else if let b = try? c.decode(Bool.self) {
                self = .bool(b)
            } else if let i = try? c.decode(Int.self) {
                self = .integer(i)
            } else if let d = try? c.decode(Double.self) {
                self = .number(d)
            } else if let s = try? c.decode(String.self) {
                self = .string(s)
            } else {
                self = .other
            }
        }
    }

    let fields: [String: Value]

    init(_ ctx: RequestContext) throws {
        let type = ctx.request.contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard type == "application/json" else { throw APIRefusal.unsupportedMediaType }
        let body = ctx.request.body
        guard body.count <= Self.maxBytes else { throw APIRefusal.bodyTooLarge(limit: Self.maxBytes) }
        guard String(validating: body, as: UTF8.self) != nil else { throw APIRefusal.malformedJSON("The body is not valid UTF-8.") }
        let parsed: [String: Value]
        do {
            parsed = try JSONDecoder().decode([String: Value].self, from: Data(body))
        } catch {
            throw APIRefusal.malformedJSON("The body is not a JSON object (for example {\"count\": 3}).")
        }
        fields = parsed
    }

    /// Refuses keys other than `known`.
    func only(_ known: Set<String>) throws {
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIRefusal.invalid(
                code: "unknown_field", field: String(unknown.prefix(64)),
                message: "“\(unknown.prefix(64))” is not a field here. Fields: \(known.sorted().joined(separator: ", ")).")
        }
    }

    /// A whole JSON number, or nil when absent; anything else is refused with `code`.
    func integer(_ key: String, code: String, what: String) throws -> Int? {
        switch fields[key] {
        case nil: return nil
        case .integer(let n): return n
        default: throw APIRefusal.invalid(code: code, field: key, message: "\(what) must be a whole JSON number (not a string, not a fraction).")
        }
    }

    func bool(_ key: String, code: String) throws -> Bool? {
        switch fields[key] {
        case nil: return nil
        case .bool(let b): return b
        default: throw APIRefusal.invalid(code: code, field: key, message: "\(key) must be true or false.")
        }
    }

    func string(_ key: String, code: String) throws -> String? {
        switch fields[key] {
        case nil: return nil
        case .string(let s): return s
        default: throw APIRefusal.invalid(code: code, field: key, message: "\(key) must be a JSON string.")
        }
    }

    /// The optional `"version"` every PUT may carry: the timer version the client last saw.
    func version() throws -> Int? {
        try integer("version", code: "invalid_version", what: "version")
    }
}
