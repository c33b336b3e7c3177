/// An MP3 file: an optional ID3v2 tag, then MPEG layer III frames back to back (each header says
/// its own length), then optionally a 128-byte ID3v1 tag. The frames must reach the file's end.
enum MP3Frames {
    private static let bitratesV1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    private static let bitratesV2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
    private static let ratesV1 = [44100, 48000, 32000]

    static func defect(_ b: [UInt8]) -> AudioDefect? {
        var position = 0
        if b.starts(with: Array("ID3".utf8)) {
            guard b.count >= 10 else { return .truncated }
            guard b[6..<10].allSatisfy({ $0 < 0x80 }) else { return .malformed }
            let size = b[6..<10].reduce(0) { $0 << 7 | Int($1) }
            position = 10 + size + (b[5] & 0x10 != 0 ? 10 : 0)
            guard position <= b.count else { return .truncated }
        }
        var frames = 0
        while position < b.count {
            if b.count - position == 128, b[position..<position + 3].elementsEqual("TAG".utf8) { break }
            guard let length = frameLength(b, at: position) else {
                return b.count - position < 4 && b[position] == 0xFF ? .truncated : .foreign
            }
            guard length <= b.count - position else { return .truncated }
            position += length
            frames += 1
        }
        return frames > 0 ? nil : .truncated
    }

    /// The length of the layer III frame whose header is at `at`, or nil when there is none.
    static func frameLength(_ b: [UInt8], at p: Int) -> Int? {
        guard p >= 0, b.count - p >= 4, b[p] == 0xFF, b[p + 1] & 0xE0 == 0xE0 else { return nil }
        let version = (b[p + 1] >> 3) & 3  // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
        let layer = (b[p + 1] >> 1) & 3  // 1: layer III
        let bitrateIndex = Int(b[p + 2] >> 4)
        let rateIndex = Int((b[p + 2] >> 2) & 3)
        guard version != 1, layer == 1, bitrateIndex != 0, bitrateIndex != 15, rateIndex != 3 else { return nil }
        let padding = Int((b[p + 2] >> 1) & 1)
        let rate = ratesV1[rateIndex] >> (version == 3 ? 0 : version == 2 ? 1 : 2)
        if version == 3 { return 144_000 * bitratesV1[bitrateIndex] / rate + padding }
        return 72_000 * bitratesV2[bitrateIndex] / rate + padding
    }
}
