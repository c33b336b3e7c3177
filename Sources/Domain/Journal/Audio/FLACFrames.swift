/// A FLAC file: `fLaC`, metadata blocks (a byte with the last-block flag and the type, a 24-bit
/// length), STREAMINFO first, then audio frames to the end. Frames carry no length, so the walk
/// checks both ends: the first frame must start right after the metadata, and the last one must
/// finish the file — a frame header whose CRC-8 holds, a footer CRC-16 that matches the bytes
/// from that header to the end, and, when STREAMINFO gives the total of samples, a last sample
/// that is exactly that total. A file cut anywhere fails one of these.
enum FLACFrames {
    static func defect(_ b: [UInt8]) -> AudioDefect? {
        guard b.count >= 8 else { return .truncated }
        var position = 4
        var isLast = false
        var first = true
        var totalSamples = 0
        var fixedBlockSize = 0
        var maxFrameSize = 0
        while !isLast {
            guard b.count - position >= 4 else { return .truncated }
            isLast = b[position] & 0x80 != 0
            let type = b[position] & 0x7F
            let length = AudioStructure.be(b, position + 1, 3)!
            guard type != 127, first == (type == 0) else { return .malformed }
            position += 4
            guard length <= b.count - position else { return .truncated }
            if first {
                guard length == 34 else { return .malformed }
                let s = position
                let minBlock = AudioStructure.be(b, s, 2)!
                let maxBlock = AudioStructure.be(b, s + 2, 2)!
                maxFrameSize = AudioStructure.be(b, s + 7, 3)!
                totalSamples = Int(b[s + 13] & 0x0F) << 32 | AudioStructure.be(b, s + 14, 4)!
                guard minBlock >= 16, maxBlock >= minBlock else { return .malformed }
                if minBlock == maxBlock { fixedBlockSize = minBlock }
            }
            position += length
            first = false
        }
        guard position < b.count else { return .truncated }
        guard header(b, at: position) != nil else { return .foreign }
        return lastFrameEnds(b, from: position, totalSamples: totalSamples, fixedBlockSize: fixedBlockSize, maxFrameSize: maxFrameSize)
    }

    /// Looks back from the end, over at most one frame's length, for the header of a frame whose
    /// footer CRC-16 covers exactly the bytes up to the end.
    private static func lastFrameEnds(
        _ b: [UInt8], from start: Int, totalSamples: Int, fixedBlockSize: Int, maxFrameSize: Int
    )
        -> AudioDefect?
    {
        let window = maxFrameSize > 0 ? maxFrameSize + 16 : 1 << 20
        let lowest = max(start, b.count - window)
        var at = b.count - 6
        var tried = 0
        while at >= lowest && tried < 64 {
            if b[at] == 0xFF, b[at + 1] & 0xFE == 0xF8, let frame = header(b, at: at) {
                tried += 1
                if crc16(b, from: at, to: b.count - 2) == AudioStructure.be(b, b.count - 2, 2)! {
                    guard totalSamples > 0 else { return nil }
                    let first = frame.variable ? frame.number : frame.number * fixedBlockSize
                    if frame.variable || fixedBlockSize > 0 {
                        return first + frame.blockSize == totalSamples ? nil : .truncated
                    }
                    return nil
                }
            }
            at -= 1
        }
        return .truncated
    }

    struct Header {
        /// Variable block size: `number` counts samples; else frames.
        let variable: Bool
        let number: Int
        let blockSize: Int
    }

    /// The frame header at `p` if its fields are legal and its CRC-8 holds.
    static func header(_ b: [UInt8], at p: Int) -> Header? {
        guard b.count - p >= 6, b[p] == 0xFF, b[p + 1] & 0xFE == 0xF8 else { return nil }
        let variable = b[p + 1] & 1 == 1
        let sizeCode = Int(b[p + 2] >> 4)
        let rateCode = Int(b[p + 2] & 0x0F)
        guard sizeCode != 0, rateCode != 15, b[p + 3] >> 4 < 11, b[p + 3] & 1 == 0 else { return nil }
        // The frame or sample number, coded like UTF-8 in up to 7 bytes.
        var q = p + 4
        let lead = b[q]
        let count: Int
        switch lead {
        case 0x00...0x7F: count = 0
        case 0xC0...0xDF: count = 1
        case 0xE0...0xEF: count = 2
        case 0xF0...0xF7: count = 3
        case 0xF8...0xFB: count = 4
        case 0xFC...0xFD: count = 5
        case 0xFE: count = 6
        default: return nil
        }
        guard b.count - q > count + 1 else { return nil }
        var number = Int(lead & (0x7F >> (count == 0 ? 0 : count + 1)))
        for i in stride(from: 1, through: count, by: 1) {
            guard b[q + i] & 0xC0 == 0x80 else { return nil }
            number = number << 6 | Int(b[q + i] & 0x3F)
        }
        q += 1 + count
        var blockSize: Int
        switch sizeCode {
        case 1: blockSize = 192
        case 2...5: blockSize = 576 << (sizeCode - 2)
        case 6:
            guard b.count - q > 1 else { return nil }
            blockSize = Int(b[q]) + 1
            q += 1
        case 7:
            guard b.count - q > 2 else { return nil }
            blockSize = AudioStructure.be(b, q, 2)! + 1
            q += 2
        default: blockSize = 256 << (sizeCode - 8)
        }
        if rateCode == 12 { q += 1 } else if rateCode == 13 || rateCode == 14 { q += 2 }
        guard q < b.count, crc8(b, from: p, to: q) == b[q] else { return nil }
        return Header(variable: variable, number: number, blockSize: blockSize)
    }

    static func crc8(_ b: [UInt8], from: Int, to: Int) -> UInt8 {
        var crc: UInt8 = 0
        for i in from..<to {
            crc ^= b[i]
            for _ in 0..<8 { crc = crc & 0x80 != 0 ? (crc << 1) ^ 0x07 : crc << 1 }
        }
        return crc
    }

    private static let crc16Table: [UInt16] = (0..<256).map { n in
        var crc = UInt16(n) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x8005 : crc << 1 }
        return crc
    }

    static func crc16(_ b: [UInt8], from: Int, to: Int) -> Int {
        var crc: UInt16 = 0
        for i in from..<to { crc = (crc << 8) ^ crc16Table[Int(UInt8(crc >> 8) ^ b[i])] }
        return Int(crc)
    }
}
