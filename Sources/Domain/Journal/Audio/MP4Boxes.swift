/// An MP4 (ISO base media) file: top-level boxes, each a 32-bit size (1: a 64-bit size follows;
/// 0: to the end of the file) and a type. Every box must be one a file of audio has at its top
/// level, and the boxes must fill the file exactly.
enum MP4Boxes {
    static let topLevel: Set<String> = [
        "ftyp", "moov", "mdat", "free", "skip", "wide", "moof", "mfra", "styp", "sidx", "ssix", "prft", "emsg", "uuid",
        "meta", "pdin", "udta",
    ]

    static func defect(_ b: [UInt8]) -> AudioDefect? {
        var position = 0
        var sawMovie = false
        while position < b.count {
            guard b.count - position >= 8 else { return .truncated }
            let type = String(decoding: b[position + 4..<position + 8], as: UTF8.self)
            guard topLevel.contains(type) else { return .foreign }
            if position == 0 && type != "ftyp" { return .malformed }
            if type == "moov" || type == "moof" { sawMovie = true }
            var length = AudioStructure.be(b, position, 4)!
            var header = 8
            if length == 1 {
                guard b.count - position >= 16 else { return .truncated }
                guard let large = AudioStructure.be(b, position + 8, 8) else { return .malformed }
                length = large
                header = 16
            } else if length == 0 {
                length = b.count - position
            }
            guard length >= header else { return .malformed }
            guard length <= b.count - position else { return .truncated }
            position += length
        }
        return sawMovie ? nil : .truncated
    }
}
