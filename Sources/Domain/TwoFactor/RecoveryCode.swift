/// One-time recovery codes for an admin who has lost their authenticator: ten at a time, each ten
/// characters of Crockford's base32 (no I, L, O or U), 50 random bits, shown as two groups of
/// five. Typing forgives case, spaces, hyphens, and O, I or L for 0, 1 and 1.
public enum RecoveryCode {
    public static let count = 10
    public static let length = 10
    /// 32 symbols, so the low five bits of one random byte pick one without bias.
    static let symbols = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A canonical code (upper case, no separators) from `length` random bytes.
    public static func make(randomBytes: [UInt8]) -> String {
        precondition(randomBytes.count == length)
        return String(decoding: randomBytes.map { symbols[Int($0 & 31)] }, as: UTF8.self)
    }

    /// "ABCDE-FGHJK": how a code is shown.
    public static func shown(_ canonical: String) -> String {
        String(canonical.prefix(length / 2)) + "-" + String(canonical.dropFirst(length / 2))
    }

    /// The canonical form of what was typed, or nil when it cannot be a recovery code.
    public static func canonical(_ typed: String) -> String? {
        var kept = [UInt8]()
        for c in typed.uppercased().utf8 where c != 0x20 && c != 0x2D {
            switch c {
            case UInt8(ascii: "O"): kept.append(UInt8(ascii: "0"))
            case UInt8(ascii: "I"), UInt8(ascii: "L"): kept.append(UInt8(ascii: "1"))
            default: kept.append(c)
            }
            if kept.count > length { return nil }
        }
        guard kept.count == length, kept.allSatisfy({ symbols.contains($0) }) else { return nil }
        return String(decoding: kept, as: UTF8.self)
    }
}
