/// A WAV file: `RIFF`, its size, `WAVE`, then chunks (four printable letters, a size, the data,
/// a pad byte after odd sizes). The RIFF size must be the file's, and the chunks must fill it,
/// `fmt ` before `data`. A WAV's samples can be any bytes at all, so a page hidden inside a data
/// chunk passes here; `AudioMarkup` looks for that.
enum WAVChunks {
    static func defect(_ b: [UInt8]) -> AudioDefect? {
        guard b.count >= 12 else { return .truncated }
        let declared = AudioStructure.le32(b, 4) + 8
        if declared > b.count { return .truncated }
        if declared < b.count { return .foreign }
        var position = 12
        var sawFormat = false
        var sawData = false
        while position < declared {
            guard declared - position >= 8 else { return .malformed }
            guard b[position..<position + 4].allSatisfy({ (0x20...0x7E).contains($0) }) else { return .foreign }
            let id = String(decoding: b[position..<position + 4], as: UTF8.self)
            let size = AudioStructure.le32(b, position + 4)
            let end = position + 8 + size
            guard end <= declared else { return .truncated }
            if id == "fmt " { sawFormat = true }
            if id == "data" {
                guard sawFormat else { return .malformed }
                sawData = true
            }
            // The pad byte of an odd-sized last chunk is sometimes left out.
            position = min(end + (size & 1), declared)
        }
        return sawData ? nil : .malformed
    }
}
