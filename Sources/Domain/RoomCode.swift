/// Room codes: six characters from an alphabet without look-alikes (no 0/O, 1/I/L, U), shown as
/// `ABC-DEF` so they are easy to read aloud and type. 30^6 ≈ 729 million codes.
public struct RoomCode: Hashable, Sendable, CustomStringConvertible {
    public static let alphabet: [Character] = Array("23456789ABCDEFGHJKMNPQRSTVWXYZ")
    public static let length = 6

    /// The six characters, upper case, no hyphen: the stored form.
    public let value: String

    /// Accepts what people type: any case, with or without the hyphen, stray spaces around.
    public init?(parsing text: String) {
        guard text.utf8.count <= 32 else { return nil }
        var chars: [Character] = []
        for ch in text {
            if ch == "-" || ch == " " { continue }
            let upper = Character(ch.uppercased())
            guard Self.alphabet.contains(upper) else { return nil }
            chars.append(upper)
        }
        guard chars.count == Self.length else { return nil }
        value = String(chars)
    }

    /// A fresh random code; `randomIndex` supplies uniform indexes (the caller's CSPRNG).
    public static func random(using randomIndex: (UInt32) -> Int) -> RoomCode {
        let chars = (0..<length).map { _ in alphabet[randomIndex(UInt32(alphabet.count))] }
        return RoomCode(parsing: String(chars))!
    }

    /// `ABC-DEF`, the canonical form in URLs and on screen.
    public var display: String {
        let chars = Array(value)
        return String(chars[0..<3]) + "-" + String(chars[3..<6])
    }

    public var description: String { display }
}
