import Domain
import Foundation
import Sodium

/// Voice-note files: under POMOPOMO_UPLOADS/journal/ (outside Public/), each under a random name
/// that only says its kind (`<32 hex>.<ext>`), never anything a request sent. A file is written
/// whole under a temporary name first (ffprobe reads it there) and renamed into place before any
/// row points at it, so nginx never serves half a file. nginx serves them (X-Accel-Redirect to
/// an internal location, `VoiceNoteHandlers.play`), so its worker user must be able to read them.
enum VoiceNoteFiles {
    /// A file written under its temporary name, not yet anyone's note.
    struct Pending {
        let name: String
        let temporaryPath: String
        let finalPath: String
    }

    struct StorageFull: Error {}

    static func directory(_ services: Services) -> String { services.config.uploadsDirectory + "/journal" }

    /// Writes `bytes` under a temporary name in the journal directory.
    static func write(_ bytes: [UInt8], as format: AudioFormat, services: Services) throws -> Pending {
        let directory = directory(services)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let name = Sodium.randomBytes(16).map { String(format: "%02x", $0) }.joined() + "." + format.fileExtension
        let pending = Pending(name: name, temporaryPath: directory + "/.tmp-" + name, finalPath: directory + "/" + name)
        guard FileManager.default.createFile(atPath: pending.temporaryPath, contents: Data(bytes)) else { throw StorageFull() }
        return pending
    }

    /// Moves a checked file to its final name.
    static func keep(_ pending: Pending) throws {
        guard rename(pending.temporaryPath, pending.finalPath) == 0 else {
            unlink(pending.temporaryPath)
            throw StorageFull()
        }
    }

    static func discard(_ pending: Pending) {
        unlink(pending.temporaryPath)
        unlink(pending.finalPath)
    }

    /// Only names `write` makes reach the file system (the column has the same CHECK).
    static func isStoredName(_ file: String) -> Bool {
        file.range(of: "^[0-9a-f]{32}\\.(webm|ogg|m4a|mp3|wav)$", options: .regularExpression) != nil
    }

    /// Unlinks notes' files once the rows that named them are gone (after the commit).
    static func remove(_ files: [String], services: Services) {
        for file in files where isStoredName(file) { unlink(directory(services) + "/" + file) }
    }
}
