import Sodium

#if canImport(Glibc)
import Glibc
#endif

/// Puts large pre-rendered byte runs into a rendered page without passing them through the
/// template engine or through `String`: the template gets a marker where a part goes, and
/// `assemble` copies the parts in, once. Markers hold per-process random bytes, so no text a
/// user typed (echoed back in a form) can be taken for one.
public enum Splice {
    static let prefix: [UInt8] = [2] + Array(Base64URL.encode(Sodium.randomBytes(12)).utf8)

    /// What a template shows where part `index` (0..<64) goes.
    public static func marker(_ index: Int) -> SafeHTML { markers[index] }

    /// Made once: a page asks for a dozen.
    private static let markers = (0..<64).map { index in
        SafeHTML(trusted: String(decoding: prefix + [UInt8(ascii: "0") + UInt8(index), 3], as: UTF8.self))
    }

    /// Copies `rendered` into `out`, replacing each marker by its part: the part's pieces
    /// joined with `joiner` (a part is kept as the pieces between CSRF slots).
    public static func assemble(_ rendered: [UInt8], parts: [[[UInt8]]], joiner: [UInt8], into out: inout [UInt8]) {
        assemble(rendered, count: parts.count, into: &out) { index, out in
            for (n, piece) in parts[index].enumerated() {
                if n > 0 { out.append(contentsOf: joiner) }
                out.append(contentsOf: piece)
            }
        }
    }

    /// Copies `rendered` into `out`, letting `part` write whatever goes where marker `index`
    /// (0..<count) is: a page can put its own content, with that content's parts, straight
    /// into the layout's place for it, so the big parts are copied once.
    public static func assemble(
        _ rendered: [UInt8], count: Int, into out: inout [UInt8], part: (_ index: Int, _ out: inout [UInt8]) -> Void
    ) {
        let markerLength = prefix.count + 2
        var copied = 0
        var i = 0
        rendered.withUnsafeBufferPointer { bytes in
            while i <= bytes.count - markerLength {
                // Jump to the next candidate byte; the page between markers is copied in bulk.
                guard let found = memchr(bytes.baseAddress! + i, 2, bytes.count - markerLength + 1 - i) else { break }
                i = bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                guard bytes[i] == 2, bytes[i + markerLength - 1] == 3,
                    prefix.withUnsafeBufferPointer({ p in memcmpEqual(bytes.baseAddress! + i, p.baseAddress!, p.count) })
                else {
                    i += 1
                    continue
                }
                let index = Int(bytes[i + prefix.count]) - Int(UInt8(ascii: "0"))
                guard index >= 0, index < count else {
                    i += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<i]))
                part(index, &out)
                i += markerLength
                copied = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
        }
    }

    private static func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for k in 0..<count where a[k] != b[k] { return false }
        return true
    }
}
