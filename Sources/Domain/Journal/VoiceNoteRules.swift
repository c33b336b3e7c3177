/// What a voice note may be (issue 15): at most 5 MiB and 2 minutes of WebM/Opus, Ogg Opus or
/// Vorbis, MP4/AAC, MP3 or WAV, recognised from its bytes, whole (not truncated), with nothing
/// but audio in it. `check` is everything the bytes alone can tell; the duration and the codec
/// come from ffprobe (App `AudioProbe`), which reads the file once it has passed.
public enum VoiceNoteRules {
    public static let maxBytes = 5 << 20
    public static let maxSeconds = 120
    /// A recorder stopped at exactly two minutes writes a little more than that.
    public static let secondsSlack = 0.5
    /// What recorders write; FLAC is the music library's alone.
    public static let formats: Set<AudioFormat> = [.webm, .ogg, .mp4, .mp3, .wav]

    /// The file's kind, or why it is refused: empty, over the cap, not one of the kinds, with a
    /// page inside, or not holding together (truncated, something glued after it).
    public static func check(_ bytes: [UInt8]) throws -> AudioFormat {
        guard !bytes.isEmpty else {
            throw JournalRefusal.badAudio("The voice note is empty (0 bytes). Record it again or choose another file.")
        }
        guard bytes.count <= maxBytes else {
            throw JournalRefusal.tooLarge("The voice note is larger than 5 MiB. Record a shorter one (at most 2 minutes).")
        }
        guard let format = AudioFormat.sniff(bytes), formats.contains(format) else {
            throw JournalRefusal.badAudio(
                "That file is not WebM/Opus, Ogg Opus or Vorbis, MP4/AAC, MP3 or WAV audio, whatever its name or type says.")
        }
        if AudioMarkup.contains(bytes) {
            throw JournalRefusal.badAudio("That file has a web page (HTML, SVG or XML) inside it, so it was refused.")
        }
        if let defect = AudioStructure.defect(bytes, as: format) { throw JournalRefusal.badAudio(defect.message) }
        return format
    }

    /// Refuses a note longer than two minutes; returns the whole seconds stored (at least 1).
    public static func seconds(_ duration: Double) throws -> Int {
        guard duration.isFinite, duration > 0 else {
            throw JournalRefusal.badAudio("That file has no audio in it that could be played.")
        }
        guard duration <= Double(maxSeconds) + secondsSlack else {
            throw JournalRefusal.badAudio(
                "The voice note is \(Int(duration.rounded())) seconds long; a note may last at most 2 minutes.")
        }
        return max(1, Int(duration.rounded()))
    }
}
