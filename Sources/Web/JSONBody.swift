import Foundation

/// JSON bodies from Encodable values, escaped like `JSONText.quoted`: `<`, `>`, `&` and the two
/// line separators come out as `\uXXXX`, so the text can never open a tag wherever it ends up.
/// Keys are sorted, so a body's bytes depend on its values only. (The hot long-poll body is
/// spliced from pre-quoted parts instead: `JSONText`.)
public enum JSONBody {
    public static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return escapingMarkup(Array(try encoder.encode(value)))
        } catch {
            // Only a non-finite Double can fail, and our bodies carry none.
            preconditionFailure("cannot encode \(type(of: value)) as JSON: \(error)")
        }
    }

    /// Outside strings JSON has no `<`, `>`, `&` or non-ASCII bytes, so replacing them byte by
    /// byte changes only how string contents are spelled, never what they are.
    static func escapingMarkup(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count)
        var i = 0
        while i < json.count {
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
            if json[i] == 0xE2, i + 2 < json.count, json[i + 1] == 0x80, json[i + 2] == 0xA8 || json[i + 2] == 0xA9 {
                out += Array((json[i + 2] == 0xA8 ? #"\u2028"# : #"\u2029"#).utf8)
                i += 3
                continue
            }
            switch json[i] {
            case UInt8(ascii: "<"): out += Array(#"\u003c"#.utf8)
            case UInt8(ascii: ">"): out += Array(#"\u003e"#.utf8)
            case UInt8(ascii: "&"): out += Array(#"\u0026"#.utf8)
            default: out.append(json[i])
            }
            i += 1
        }
        return out
    }
}
