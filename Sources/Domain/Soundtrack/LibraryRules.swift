/// What the self-hosted library takes (issue 16): MP3, Ogg (Vorbis or Opus, `.ogg` or `.opus`),
/// FLAC and M4A (AAC), recognised from the bytes, whole (the container walked to its last byte),
/// at most 64 MiB and 3 hours. `check` is everything the bytes alone can tell; the codec, the
/// duration and the tags come from ffprobe (App `LibraryProbe`) once the file has passed.
/// Unlike a voice note, the bytes are not searched for markup: tags are free text ("<script>" is a
/// fine song title, shown escaped), and the file is only ever served as audio with nosniff and a
/// sandboxing CSP.
public enum LibraryRules {
    public static let maxBytes = 64 << 20
    public static let maxSeconds = 3 * 3600
    public static let formats: Set<AudioFormat> = [.mp3, .ogg, .flac, .mp4]
    static let kinds = "MP3, Ogg Vorbis, Opus, FLAC or M4A (AAC)"

    public static func check(_ bytes: [UInt8]) throws(SoundtrackRefusal) -> AudioFormat {
        guard !bytes.isEmpty else { throw .badAudio("The file is empty (0 bytes). Choose an audio file.") }
        guard bytes.count <= maxBytes else { throw .tooLarge(tooLargeMessage) }
        guard let format = AudioFormat.sniff(bytes) else {
            throw .badAudio("That file is not \(kinds) audio, whatever its name or type says.")
        }
        guard formats.contains(format) else {
            throw .badAudio("That file is \(format.rawValue.uppercased()) audio; the library takes \(kinds).")
        }
        if let defect = AudioStructure.defect(bytes, as: format) { throw .badAudio(defect.message) }
        return format
    }

    public static let tooLargeMessage = "That file is larger than 64 MiB, the most the library takes. Export it at a lower bitrate, or split it."

    /// The whole seconds stored (at least 1); refuses silence and tracks over 3 hours.
    public static func seconds(_ duration: Double) throws(SoundtrackRefusal) -> Int {
        guard duration.isFinite, duration > 0 else { throw .badAudio("That file has no audio in it that could be played.") }
        guard duration <= Double(maxSeconds) + 1 else {
            throw .badAudio("That track lasts \(TrackDuration.text(Int(duration))); the library takes tracks of up to 3 hours.")
        }
        return max(1, Int(duration.rounded()))
    }

    /// The stored file's extension: Ogg Opus keeps `.opus`, so a download looks as it did.
    public static func fileExtension(_ format: AudioFormat, codec: String) -> String {
        format == .ogg && codec == "opus" ? "opus" : format.fileExtension
    }
}
