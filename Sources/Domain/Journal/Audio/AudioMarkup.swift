import Foundation

/// Looks for a web page hidden in a voice note: an HTML, SVG or XML tag anywhere in the bytes.
/// The container walk cannot see one inside a WAV's samples, an MP4 `free` box, a WebM Void or
/// a tag field, which are all legitimately free-form. A tag counts only when a space, `>` or `/`
/// follows its name, which real markup has and compressed audio almost never does by chance
/// (about once in 10⁶ five-MiB files).
public enum AudioMarkup {
    static let tags: [[UInt8]] = [
        "!doctype", "html", "head", "body", "script", "iframe", "svg", "?xml", "object", "embed", "meta", "style",
    ].map { Array($0.utf8) }

    public static func contains(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            let n = buffer.count
            var from = 0
            while from < n, let hit = memchr(base + from, 0x3C, n - from) {
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if tagStarts(buffer, after: at) { return true }
                from = at + 1
            }
            return false
        }
    }

    private static func tagStarts(_ b: UnsafeBufferPointer<UInt8>, after lt: Int) -> Bool {
        for tag in tags where lt + 1 + tag.count < b.count {
            var matches = true
            for (i, c) in tag.enumerated() where b[lt + 1 + i] | 0x20 != c | 0x20 {
                matches = false
                break
            }
            guard matches else { continue }
            let next = b[lt + 1 + tag.count]
            if next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D || next == 0x3E || next == 0x2F { return true }
        }
        return false
    }
}
