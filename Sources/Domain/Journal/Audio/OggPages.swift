/// An Ogg stream: pages, each `OggS`, version 0, flags, granule, serial, sequence, CRC, a segment
/// count and table, then as many bytes as the table adds up to. The pages must follow one
/// another to the file's last byte.
enum OggPages {
    static let capture = Array("OggS".utf8)

    static func defect(_ b: [UInt8]) -> AudioDefect? {
        var position = 0
        while position < b.count {
            let left = b.count - position
            guard left >= 27 else {
                // The start of one more page, cut short; anything else is not Ogg.
                return Array(b[position...].prefix(4)) == Array(capture.prefix(min(4, left))) ? .truncated : .foreign
            }
            guard Array(b[position..<position + 4]) == capture else { return .foreign }
            guard b[position + 4] == 0 else { return .malformed }
            let segments = Int(b[position + 26])
            guard left >= 27 + segments else { return .truncated }
            let body = b[position + 27..<position + 27 + segments].reduce(0) { $0 + Int($1) }
            let end = position + 27 + segments + body
            guard end <= b.count else { return .truncated }
            position = end
        }
        return nil
    }

    /// Whether the first page begins a stream (BOS) whose first packet is an Opus or Vorbis
    /// identification header.
    static func firstPacketIsAudioHeader(_ b: [UInt8]) -> Bool {
        guard b.count >= 27, b[4] == 0, b[5] & 0x02 != 0 else { return false }
        let start = 27 + Int(b[26])
        guard b.count >= start + 8 else { return false }
        let head = Array(b[start..<start + 8])
        return head == Array("OpusHead".utf8) || Array(head.prefix(7)) == [0x01] + Array("vorbis".utf8)
    }
}
