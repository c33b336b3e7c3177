/// Room codes: six characters from an alphabet without look-alikes (no 0/O, 1/I/L, U), shown as
/// `ABC-DEF` so they are easy to read aloud and type. 30^6 ≈ 729 million codes.
public struct RoomCode: Hashable, Sendable, CustomStringConvertible {
    public static let alphabet: [Character] = Array("23456789ABCDEFGHJKMNPQRSTVWXYZ")
    public static let length = 6

    /// The six characters, upper case, no hyphen: the stored form.
    public let value: String
    /// `ABC-DEF`, the canonical form in URLs and on screen (kept: pages use it several times).
    public let display: String

    /// Accepts what people type: any case, with or without the hyphen, stray spaces around.
    public init?(parsing text: String) {
        guard text.utf8.count <= 32 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.length)
        for byte in text.utf8 {
            if byte == UInt8(ascii: "-") || byte == UInt8(ascii: " ") { continue }
            // ASCII lower case to upper case; anything outside the alphabet is refused.
            let upper = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 32 : byte
            guard Self.allowed[Int(upper)], bytes.count < Self.length else { return nil }
            bytes.append(upper)
        }
        guard bytes.count == Self.length else { return nil }
        value = String(decoding: bytes, as: UTF8.self)
        display = String(decoding: bytes[0..<3] + [UInt8(ascii: "-")] + bytes[3..<6], as: UTF8.self)
    }

    private static let allowed: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for ch in alphabet { table[Int(ch.asciiValue!)] = true }
        return table
    }()

    /// A fresh random code; `randomIndex` supplies uniform indexes (the caller's CSPRNG).
    public static func random(using randomIndex: (UInt32) -> Int) -> RoomCode {
        let chars = (0..<length).map { _ in alphabet[randomIndex(UInt32(alphabet.count))] }
        return RoomCode(parsing: String(chars))!
    }

    public var description: String { display }
}
