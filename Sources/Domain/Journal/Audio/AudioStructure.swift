/// Walks a file's container from its first byte to its last: every byte must belong to a piece
/// the container declares (a RIFF chunk, an Ogg page, an MP4 box, an EBML element, an MP3 frame, a FLAC block),
/// and no piece may claim more bytes than the file has. This is what catches a truncated file
/// and a polyglot (an audio header with a web page after it), which ffprobe itself reads
/// happily: it stops at the end of the audio it understands and says nothing of the rest.
public enum AudioStructure {
    public static func defect(_ bytes: [UInt8], as format: AudioFormat) -> AudioDefect? {
        switch format {
        case .wav: return WAVChunks.defect(bytes)
        case .ogg: return OggPages.defect(bytes)
        case .webm: return WebMElements.defect(bytes)
        case .mp4: return MP4Boxes.defect(bytes)
        case .mp3: return MP3Frames.defect(bytes)
        case .flac: return FLACFrames.defect(bytes)
        }
    }

    /// Little-endian 32-bit at `at` (the caller checked there are 4 bytes).
    static func le32(_ b: [UInt8], _ at: Int) -> Int {
        Int(b[at]) | Int(b[at + 1]) << 8 | Int(b[at + 2]) << 16 | Int(b[at + 3]) << 24
    }

    /// Big-endian unsigned of `count` bytes at `at` (the caller checked they exist); nil past Int.
    static func be(_ b: [UInt8], _ at: Int, _ count: Int) -> Int? {
        var value: UInt64 = 0
        for i in 0..<count { value = value << 8 | UInt64(b[at + i]) }
        return value > UInt64(Int.max) ? nil : Int(value)
    }
}
