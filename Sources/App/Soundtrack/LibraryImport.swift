import Domain
import Foundation
import Postgres
import Web

/// The one way a file joins the library, for the admin's upload and `pomopomo library add`:
/// the bytes are checked (`LibraryRules`), written under a temporary name, read by ffprobe
/// (`LibraryProbe`), renamed into place, and only then the row is inserted. Anything refused
/// leaves no file and no row behind. `then` runs in the row's transaction (the admin's upload
/// writes its audit line there).
enum LibraryImport {
    struct Added: Equatable {
        let id: String
        let title: String
    }

    static func add(
        _ bytes: [UInt8], fileName: String, typed: (title: String, artist: String, album: String), uploadedBy: String?,
        config: Config, database: PostgresPool, then: ((Added, PostgresConnection) throws -> Void)? = nil
    ) throws -> Added {
        let format = try LibraryRules.check(bytes)
        let temporary: String
        do { temporary = try LibraryFiles.writeTemporary(bytes, config: config) } catch {
            throw ClientError.unavailable(retryAfter: 60)
        }
        var placed: String? = nil
        do {
            let probe = try LibraryProbe.probe(path: temporary, as: format, ffprobe: config.ffprobe)
            let seconds = try LibraryRules.seconds(probe.seconds)
            let tags = TrackTags(typed: typed, tags: probe.tags, fileName: fileName)
            let name = LibraryFiles.freshName(fileExtension: LibraryRules.fileExtension(format, codec: probe.codec))
            do { try LibraryFiles.place(temporary, as: name, config: config) } catch { throw ClientError.unavailable(retryAfter: 60) }
            placed = name
            return try database.transaction { conn in
                let id = try TrackStore.insert(
                    TrackStore.LibraryFile(
                        file: name, mime: format.mime, bytes: bytes.count, title: tags.title, artist: tags.artist, album: tags.album,
                        durationSeconds: seconds, uploadedBy: uploadedBy), on: conn)
                let added = Added(id: id, title: tags.title)
                try then?(added, conn)
                return added
            }
        } catch {
            if let placed { LibraryFiles.remove(placed, config: config) } else { LibraryFiles.discard(temporary: temporary) }
            throw error
        }
    }
}
