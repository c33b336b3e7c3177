/// A name a template looks up, with its hash worked out once (when the template is compiled, or
/// when a page sets the key), so a lookup compares small integers instead of hashing a String
/// at every level of the context stack.
public struct TemplateKey: Sendable, Equatable {
    public let name: String
    let hash: UInt32

    public init(_ name: String) {
        self.name = name
        hash = Self.hash(name)
    }

    /// FNV-1a over the UTF-8 bytes: keys are short ASCII names, for which it is both cheap and
    /// well spread.
    static func hash(_ name: String) -> UInt32 {
        // Over the contiguous bytes (a native String's own storage, a small one's copy on the
        // stack): the UTF-8 view's iterator costs several times more per byte.
        var name = name
        return name.withUTF8 { bytes in
            var h: UInt32 = 2_166_136_261
            for byte in bytes {
                h = (h ^ UInt32(byte)) &* 16_777_619
            }
            return h
        }
    }

    public static func == (a: TemplateKey, b: TemplateKey) -> Bool { a.hash == b.hash && a.name == b.name }
}
