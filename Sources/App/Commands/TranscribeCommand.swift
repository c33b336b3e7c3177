import Foundation
import Logging

/// `pomopomo journal transcribe FILE`: runs the voice notes' speech-to-text (`Transcriber`, as
/// POMOPOMO_TRANSCRIBE_COMMAND and POMOPOMO_TRANSCRIBE_SECONDS set it) on one audio file and
/// prints the words; no database, no account. Exit 0 with the words (an empty line when none
/// could be made out), 1 when the engine failed (why on stderr), 2 on a bad configuration.
public enum TranscribeCommand {
    public static func run(file: String) throws {
        let settings: TranscriptionSettings
        do { settings = try TranscriptionSettings.fromEnvironment() } catch {
            FileHandle.standardError.write(Data("bad configuration: \(error)\n".utf8))
            throw CommandExit.usage
        }
        let path = URL(fileURLWithPath: file).standardizedFileURL.path
        guard FileManager.default.isReadableFile(atPath: path) else {
            FileHandle.standardError.write(Data("cannot read \(file)\n".utf8))
            throw CommandExit.failure
        }
        do {
            print(try Transcriber(settings: settings).transcribe(path: path))
        } catch {
            FileHandle.standardError.write(Data("transcription failed: \(error)\n".utf8))
            throw CommandExit.failure
        }
    }
}
