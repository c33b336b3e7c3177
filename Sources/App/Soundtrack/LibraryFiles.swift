import Foundation
import Sodium

/// The library's files under POMOPOMO_UPLOADS/library: written under a random name (32 hex
/// digits and the extension of the kind recognised from the bytes) to a temporary file first,
/// renamed into place before the row that names it commits, and removed when the row goes.
enum LibraryFiles {
    static func directory(_ services: Services) -> String { services.config.uploadsDirectory + "/library" }

    /// A fresh name for a file of kind `fileExtension`.
    static func freshName(fileExtension: String) -> String {
        Sodium.randomBytes(16).map { String(format: "%02x", $0) }.joined() + "." + fileExtension
    }

    /// Only names `freshName` makes reach the file system (the column has a CHECK of its own).
    static func isStoredName(_ file: String) -> Bool {
        file.range(of: "^[0-9a-f]{32}\\.(mp3|ogg|opus|flac|m4a)$", options: .regularExpression) != nil
    }

    struct StorageFull: Error {}

    /// Writes `bytes` to a temporary file in the library's directory and returns its path.
    static func writeTemporary(_ bytes: [UInt8], services: Services) throws -> String {
        let dir = directory(services)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/.tmp-" + freshName(fileExtension: "part")
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw StorageFull() }
        return path
    }

    /// Moves a temporary file into place as `name`.
    static func place(_ temporary: String, as name: String, services: Services) throws {
        guard isStoredName(name), rename(temporary, directory(services) + "/" + name) == 0 else {
            unlink(temporary)
            throw StorageFull()
        }
    }

    static func remove(_ name: String, services: Services) {
        guard isStoredName(name) else { return }
        unlink(directory(services) + "/" + name)
    }

    static func discard(temporary path: String) { unlink(path) }
}
