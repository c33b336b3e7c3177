import Domain
import Foundation

/// What ffprobe (Debian's ffmpeg, through `ChildProcess`: no shell, a time limit, an output cap)
/// reads in a library file that passed `LibraryRules.check`, demuxed as the kind its bytes
/// announced (`-f`, so ffprobe never guesses another kind). Two runs: the streams and tags (JSON),
/// then every audio packet's time (CSV), whose last end is the duration — the container's header
/// may be missing or false — and which must come without one error, so a damaged middle is
/// refused too. One audio stream in a codec the kind may carry; cover art (an attached picture)
/// is allowed beside it, nothing else.
enum LibraryProbe {
    struct Result: Equatable {
        let codec: String
        let seconds: Double
        /// The file's tags, keys in lower case (container tags over the audio stream's).
        let tags: [String: String]
    }

    static let timeLimit = 30.0
    static let metadataLimit = 4 << 20
    /// Three hours of Opus (50 packets a second) print ~11 MB of packet times.
    static let packetsLimit = 48 << 20

    static func probe(path: String, as format: AudioFormat, ffprobe: String) throws -> Result {
        let demuxer = AudioProbe.demuxer(format)
        let meta = try run(
            ffprobe,
            [
                "-f", demuxer, "-show_entries", "stream=index,codec_type,codec_name:stream_disposition=attached_pic:stream_tags:format_tags", "-of",
                "json",
            ],
            path: path, limit: metadataLimit)
        let (codec, tags) = try streams(meta, format: format)
        let packets = try run(
            ffprobe, ["-f", demuxer, "-select_streams", "a:0", "-show_entries", "packet=pts_time,duration_time", "-of", "csv=p=0"],
            path: path, limit: packetsLimit)
        return Result(codec: codec, seconds: try end(packets), tags: tags)
    }

    private static func run(_ ffprobe: String, _ arguments: [String], path: String, limit: Int) throws -> [UInt8] {
        let outcome: ChildProcess.Outcome
        do {
            outcome = try ChildProcess.run(
                ffprobe, ["-hide_banner", "-v", "error"] + arguments + ["file:" + path], timeout: timeLimit, outputLimit: limit)
        } catch let failure as ChildProcess.SpawnFailed {
            throw AudioProbe.ProbeUnavailable(reason: failure.description)
        }
        if outcome.timedOut || outcome.overflowed {
            throw SoundtrackRefusal.badAudio("That audio file could not be read in reasonable time, so it was refused.")
        }
        guard outcome.status == 0, outcome.stderr.isEmpty else {
            throw SoundtrackRefusal.badAudio("That audio file could not be read from start to end (ffprobe found errors in it).")
        }
        return outcome.stdout
    }

    /// The audio stream's codec and the tags, from `{"streams": [...], "format": {"tags": {...}}}`.
    static func streams(_ json: [UInt8], format: AudioFormat) throws -> (codec: String, tags: [String: String]) {
        guard let top = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            throw SoundtrackRefusal.badAudio("That audio file could not be read (ffprobe said something unexpected).")
        }
        let streams = top["streams"] as? [[String: Any]] ?? []
        let audio = streams.filter { $0["codec_type"] as? String == "audio" }
        let pictures = streams.filter { ($0["disposition"] as? [String: Any])?["attached_pic"] as? Int == 1 }
        guard audio.count == 1, audio.count + pictures.count == streams.count, let stream = audio.first else {
            throw SoundtrackRefusal.badAudio("A library track must hold one stream of audio (and at most its cover art): no video, no second track.")
        }
        let codec = stream["codec_name"] as? String ?? ""
        guard format.accepts(codec: codec) else {
            throw SoundtrackRefusal.badAudio(
                "That file's audio is “\(codec)”, which browsers cannot all play: the library takes MP3, Ogg Vorbis, Opus, FLAC or M4A with AAC.")
        }
        var tags: [String: String] = [:]
        for source in [stream["tags"], (top["format"] as? [String: Any])?["tags"]] {
            for (key, value) in source as? [String: Any] ?? [:] {
                if let text = value as? String { tags[key.lowercased()] = text }
            }
        }
        return (codec, tags)
    }

    /// The end of the last packet (`pts,duration` lines).
    static func end(_ csv: [UInt8]) throws -> Double {
        var end = 0.0
        var packets = 0
        for line in csv.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            guard let pts = fields.first.flatMap({ Double(String(decoding: $0, as: UTF8.self)) }) else { continue }
            let duration = fields.count > 1 ? Double(String(decoding: fields[1], as: UTF8.self)) ?? 0 : 0
            packets += 1
            end = max(end, pts + duration)
        }
        guard packets > 0 else { throw SoundtrackRefusal.badAudio("That file has no audio in it that could be played.") }
        return end
    }
}
