/// The kinds of audio a voice note may be (issue 15): WebM/Opus (Chromium's and Firefox's
/// MediaRecorder), Ogg with Opus or Vorbis, MP4/AAC (Safari's MediaRecorder), MP3 and WAV; and
/// FLAC, which only the music library takes (issue 16, `LibraryRules`). The kind is recognised
/// from the bytes alone, never from a file name or a Content-Type header, and decides the stored
/// file's extension, which decides the Content-Type it is served with.
public enum AudioFormat: String, Sendable, CaseIterable, Codable {
    case webm, ogg, mp4, mp3, wav, flac

    public var mime: String {
        switch self {
        case .webm: return "audio/webm"
        case .ogg: return "audio/ogg"
        case .mp4: return "audio/mp4"
        case .mp3: return "audio/mpeg"
        case .wav: return "audio/wav"
        case .flac: return "audio/flac"
        }
    }

    /// The stored file's extension; nginx's internal location maps each back to `mime`.
    public var fileExtension: String {
        switch self {
        case .webm: return "webm"
        case .ogg: return "ogg"
        case .mp4: return "m4a"
        case .mp3: return "mp3"
        case .wav: return "wav"
        case .flac: return "flac"
        }
    }

    /// Whether the container may carry audio in `codec` (ffprobe's codec_name). WebM is Opus
    /// only, as recorders write it; a WAV may hold any PCM.
    public func accepts(codec: String) -> Bool {
        switch self {
        case .webm: return codec == "opus"
        case .ogg: return codec == "opus" || codec == "vorbis"
        case .mp4: return codec == "aac"
        case .mp3: return codec == "mp3"
        case .wav: return codec.hasPrefix("pcm_")
        case .flac: return codec == "flac"
        }
    }

    /// The kind the first bytes announce, or nil for anything else. Only the start is looked at
    /// here; `AudioStructure` then checks that the rest holds together.
    public static func sniff(_ bytes: [UInt8]) -> AudioFormat? {
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WAVE".utf8) { return .wav }
        if bytes.starts(with: Array("fLaC".utf8)) { return .flac }
        if bytes.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return WebMElements.docType(bytes) == "webm" ? .webm : nil }
        if bytes.starts(with: Array("OggS".utf8)) { return OggPages.firstPacketIsAudioHeader(bytes) ? .ogg : nil }
        if bytes.count >= 12, Array(bytes[4..<8]) == Array("ftyp".utf8) { return .mp4 }
        if bytes.starts(with: Array("ID3".utf8)) { return .mp3 }
        // A bare MP3 starts with a frame, and the frame after it must start where the first says.
        if let first = MP3Frames.frameLength(bytes, at: 0), MP3Frames.frameLength(bytes, at: first) != nil { return .mp3 }
        return nil
    }
}
