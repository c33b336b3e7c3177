/// Decoded `application/x-www-form-urlencoded` fields (also used for query strings).
/// Parsing is strict: a malformed escape or invalid UTF-8 is a 400, never a guess.
public struct FormData: Sendable, Equatable {
    public struct Limits: Sendable {
        public var maxFields: Int
        public var maxFieldBytes: Int
        public init(maxFields: Int = 200, maxFieldBytes: Int = 64 * 1024) {
            self.maxFields = maxFields
            self.maxFieldBytes = maxFieldBytes
        }
    }

    public private(set) var fields: [(name: String, value: String)] = []

    public static func == (a: FormData, b: FormData) -> Bool {
        a.fields.elementsEqual(b.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    public init() {}

    public init(fields: [(String, String)]) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    public init<Bytes: Collection<UInt8>>(urlEncoded bytes: Bytes, limits: Limits = Limits()) throws {
        if bytes.isEmpty { return }
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if fields.count >= limits.maxFields { throw ClientError.payloadTooLarge(limit: limits.maxFields * limits.maxFieldBytes) }
            if pair.count > limits.maxFieldBytes { throw ClientError.badRequest("A field is longer than \(limits.maxFieldBytes / 1024) KiB.") }
            let eq = pair.firstIndex(of: UInt8(ascii: "="))
            let rawName = eq.map { pair[pair.startIndex..<$0] } ?? pair[...]
            let rawValue = eq.map { pair[pair.index(after: $0)...] } ?? pair[pair.endIndex...]
            guard let name = PercentDecoding.decode(rawName, plusAsSpace: true),
                let value = PercentDecoding.decode(rawValue, plusAsSpace: true)
            else {
                throw ClientError.badRequest("The form data is not validly encoded (bad %-escape or invalid UTF-8).")
            }
            fields.append((name: name, value: value))
        }
    }

    public init(query: String, limits: Limits = Limits()) throws {
        try self.init(urlEncoded: Array(query.utf8), limits: limits)
    }

    public mutating func append(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// The only value of `name`, or nil when absent. Two values are a 400: a duplicated
    /// parameter is a sign of tampering, not something to resolve silently.
    public func value(_ name: String) throws -> String? {
        var found: String? = nil
        for field in fields where field.name == name {
            if found != nil { throw ClientError.badRequest("The field “\(name)” was sent more than once.") }
            found = field.value
        }
        return found
    }

    public func values(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }
}

public enum PercentDecoding {
    /// Decodes %XX escapes (and '+' as space in forms); nil on a malformed escape, invalid
    /// UTF-8 (overlong forms included: Swift's decoder rejects them) or a NUL byte.
    public static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes, plusAsSpace: Bool) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let c = bytes[i]
            if c == UInt8(ascii: "%") {
                let h1 = bytes.index(after: i)
                guard h1 != bytes.endIndex else { return nil }
                let h2 = bytes.index(after: h1)
                guard h2 != bytes.endIndex, let hi = hexValue(bytes[h1]), let lo = hexValue(bytes[h2]) else { return nil }
                out.append(hi << 4 | lo)
                i = bytes.index(after: h2)
                continue
            }
            out.append(plusAsSpace && c == UInt8(ascii: "+") ? UInt8(ascii: " ") : c)
            i = bytes.index(after: i)
        }
        if out.contains(0) { return nil }
        return String(validating: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986).
    public static func encode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
