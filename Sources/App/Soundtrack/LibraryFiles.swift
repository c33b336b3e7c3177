import Foundation
import Sodium

/// The library's files under POMOPOMO_UPLOADS/library (outside Public/): each under a random name
/// that only says its kind (`<32 hex>.<ext>`), written whole under a temporary name first
/// (ffprobe reads it there) and renamed into place before the row that names it commits, so nginx
/// never serves half a file; removed once the row is gone.
enum LibraryFiles {
    static func directory(_ config: Config) -> String { config.uploadsDirectory + "/library" }

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
    static func writeTemporary(_ bytes: [UInt8], config: Config) throws -> String {
        let dir = directory(config)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/.tmp-" + freshName(fileExtension: "part")
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw StorageFull() }
        return path
    }

    /// Moves a temporary file into place as `name`.
    static func place(_ temporary: String, as name: String, config: Config) throws {
        guard isStoredName(name), rename(temporary, directory(config) + "/" + name) == 0 else { throw StorageFull() }
    }

    static func remove(_ name: String, config: Config) {
        guard isStoredName(name) else { return }
        unlink(directory(config) + "/" + name)
    }

    static func discard(temporary path: String) { unlink(path) }
}
