import Domain
import Foundation

/// Speech-to-text for one voice note, offline. ffmpeg (Debian's) first turns whatever was
/// recorded into 16 kHz mono 16-bit PCM WAV in a private temporary directory, then the engine
/// reads that WAV: Debian's pocketsphinx (`pocketsphinx_continuous` with the `pocketsphinx-en-us`
/// model) unless POMOPOMO_TRANSCRIBE_COMMAND names another.
///
/// The engine contract (README): the command is run with the WAV's absolute path appended as
/// its last argument (never the uploaded file: only ffmpeg parses what someone sent), and prints
/// the words on stdout in UTF-8, then exits 0. Line breaks and runs of spaces become one space and
/// past 10,000 characters the text is cut at a word; printing nothing means "no words". Anything
/// else fails the attempt (retried with back-off, then the note is marked failed): a non-zero
/// exit, a signal, more than `outputLimit` bytes on stdout and stderr together, or running past
/// POMOPOMO_TRANSCRIBE_SECONDS. Every program runs without a shell, stdin from /dev/null, with
/// PATH=/usr/bin:/bin and LC_ALL=C as its whole environment, at niceness 10 so requests come first
/// (`ChildProcess`). Blocks the calling thread: only `TranscriptionJobs` calls it, outside any
/// request and transaction.
struct Transcriber: Sendable {
    /// Why an attempt failed, in words fit for the owner's journal (no paths, no output).
    struct Failure: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    static let ffmpeg = "/usr/bin/ffmpeg"
    static let nice = "/usr/bin/nice"
    static let pocketsphinx = "/usr/bin/pocketsphinx_continuous"
    static let model = "/usr/share/pocketsphinx/model/en-us"
    /// Notes are at most two minutes long; anything past this is not transcribed.
    static let maxAudioSeconds = 300
    static let conversionTimeLimit = 60.0
    static let outputLimit = 256 << 10

    let settings: TranscriptionSettings

    /// The engine's program and arguments, before the WAV's path. pocketsphinx's search is held
    /// to 3,000 active HMMs and 5 word exits a frame: a third less CPU for the same words on the
    /// test sentences (bench/journal_transcribe.sh).
    var engine: [String] {
        settings.command ?? [
            Self.pocketsphinx, "-hmm", Self.model + "/en-us", "-lm", Self.model + "/en-us.lm.bin",
            "-dict", Self.model + "/cmudict-en-us.dict", "-maxhmmpf", "3000", "-maxwpf", "5", "-logfn", "/dev/null", "-infile",
        ]
    }

    /// The words said in the audio file at `path` (absolute); empty when none could be made out.
    func transcribe(path: String) throws(Failure) -> String {
        let directory = try Self.privateDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let wav = directory + "/note.wav"
        let converted = try Self.run(
            Self.ffmpeg,
            [
                "-nostdin", "-hide_banner", "-loglevel", "error", "-threads", "1", "-protocol_whitelist", "file",
                "-i", "file:" + path, "-map", "0:a:0", "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le",
                "-t", String(Self.maxAudioSeconds), "-f", "wav", "file:" + wav,
            ], timeLimit: Self.conversionTimeLimit, what: "ffmpeg")
        guard converted.status == 0, FileManager.default.fileExists(atPath: wav) else {
            throw Failure(description: "ffmpeg could not read the recording (exit status \(converted.status.map(String.init) ?? "none"))")
        }
        let program = engine
        let outcome = try Self.run(program[0], Array(program.dropFirst()) + [wav], timeLimit: Double(settings.timeLimit), what: "the engine")
        guard outcome.status == 0 else {
            throw Failure(description: "the engine exited with status \(outcome.status.map(String.init) ?? "none (killed by a signal)")")
        }
        return TranscriptText.engine(outcome.stdout)
    }

    /// Runs `program` at niceness 10; a time limit or the output cap reached is a failure.
    private static func run(
        _ program: String, _ arguments: [String], timeLimit: Double, what: String
    ) throws(Failure)
        -> ChildProcess.Outcome
    {
        guard FileManager.default.isExecutableFile(atPath: program) else {
            throw Failure(description: "\(what) is not installed (\(program) is not an executable file)")
        }
        let outcome: ChildProcess.Outcome
        do {
            if FileManager.default.isExecutableFile(atPath: nice) {
                outcome = try ChildProcess.run(nice, ["-n", "10", program] + arguments, timeout: timeLimit, outputLimit: outputLimit)
            } else {
                outcome = try ChildProcess.run(program, arguments, timeout: timeLimit, outputLimit: outputLimit)
            }
        } catch {
            throw Failure(description: "\(what) could not be started")
        }
        if outcome.timedOut { throw Failure(description: "\(what) took longer than \(Int(timeLimit)) s") }
        if outcome.overflowed { throw Failure(description: "\(what) printed more than \(outputLimit >> 10) KiB") }
        return outcome
    }

    /// A new directory only this process's user can enter, under TMPDIR.
    private static func privateDirectory() throws(Failure) -> String {
        let base = FileManager.default.temporaryDirectory.path
        let directory = base + "/pomopomo-transcribe-" + UUID().uuidString.lowercased()
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(description: "no room for a temporary file")
        }
        return directory
    }
}
