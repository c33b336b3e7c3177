import Domain
import Foundation

/// What ffprobe (Debian's ffmpeg) reads in a voice note that passed `VoiceNoteRules.check`: it
/// must demux the whole file as the kind the bytes announced (`-f`, so it never guesses another
/// kind), find exactly one stream, audio in a codec that kind may carry, and packets whose
/// timestamps give the duration. The duration is the end of the last packet, not the
/// container's header, which a recorder may leave out (Chromium's WebM has none) and a hostile
/// file may state falsely. ffprobe runs without a shell, with a time limit and an output cap.
enum AudioProbe {
    struct Result: Equatable {
        let codec: String
        let seconds: Double
    }

    static let timeLimit = 15.0
    /// Generous: a two-minute Opus note lists ~6,000 packets in ~300 KB.
    static let outputLimit = 8 << 20

    static func demuxer(_ format: AudioFormat) -> String {
        switch format {
        case .webm: return "matroska"
        case .ogg: return "ogg"
        case .mp4: return "mov"
        case .mp3: return "mp3"
        case .wav: return "wav"
        case .flac: return "flac"
        }
    }

    /// Reads the file at `path` (an absolute path we made) as `format`; throws `JournalRefusal`
    /// when ffprobe cannot, and `ProbeUnavailable` when ffprobe itself could not run.
    static func probe(path: String, as format: AudioFormat, ffprobe: String) throws -> Result {
        let outcome: ChildProcess.Outcome
        do {
            outcome = try ChildProcess.run(
                ffprobe,
                [
                    "-hide_banner", "-v", "error", "-f", demuxer(format),
                    "-show_entries", "stream=index,codec_type,codec_name:packet=stream_index,pts_time,duration_time",
                    "-of", "compact", "file:" + path,
                ], timeout: timeLimit, outputLimit: outputLimit)
        } catch let failure as ChildProcess.SpawnFailed {
            throw ProbeUnavailable(reason: failure.description)
        }
        if outcome.timedOut || outcome.overflowed {
            throw JournalRefusal.badAudio("That audio file could not be read in reasonable time, so it was refused.")
        }
        guard outcome.status == 0, outcome.stderr.isEmpty else {
            throw JournalRefusal.badAudio("That audio file could not be read from start to end (ffprobe found errors in it).")
        }
        return try read(String(decoding: outcome.stdout, as: UTF8.self), format: format)
    }

    /// ffprobe's compact output: `stream|index=0|codec_name=opus|codec_type=audio` lines, then
    /// `packet|stream_index=0|pts_time=0.007000|duration_time=0.020000` lines.
    static func read(_ text: String, format: AudioFormat) throws -> Result {
        var streams: [(index: String, type: String, codec: String)] = []
        var end = 0.0
        var packets = 0
        for line in text.split(separator: "\n") {
            var fields: [Substring: Substring] = [:]
            let parts = line.split(separator: "|", omittingEmptySubsequences: false)
            for part in parts.dropFirst() {
                guard let eq = part.firstIndex(of: "=") else { continue }
                fields[part[..<eq]] = part[part.index(after: eq)...]
            }
            switch parts.first {
            case "stream":
                streams.append((String(fields["index"] ?? ""), String(fields["codec_type"] ?? ""), String(fields["codec_name"] ?? "")))
            case "packet":
                guard let pts = fields["pts_time"].flatMap({ Double($0) }) else { continue }
                packets += 1
                end = max(end, pts + (fields["duration_time"].flatMap { Double($0) } ?? 0))
            default:
                continue
            }
        }
        guard streams.count == 1, let stream = streams.first, stream.type == "audio" else {
            throw JournalRefusal.badAudio("A voice note must hold one stream of audio and nothing else (no video, no pictures).")
        }
        guard format.accepts(codec: stream.codec) else {
            throw JournalRefusal.badAudio(
                "That file's audio is “\(stream.codec)”, which is not accepted here: WebM with Opus, Ogg with Opus or Vorbis, MP4 with AAC, MP3, or WAV."
            )
        }
        guard packets > 0 else { throw JournalRefusal.badAudio("That file has no audio in it that could be played.") }
        return Result(codec: stream.codec, seconds: end)
    }

    /// ffprobe is missing or could not start: the server's fault, not the file's (500, logged).
    struct ProbeUnavailable: Error, CustomStringConvertible {
        let reason: String
        var description: String { "ffprobe unavailable: \(reason)" }
    }
}
