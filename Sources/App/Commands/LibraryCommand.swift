import Domain
import Foundation
import Postgres

/// `pomopomo library add FILE`: puts an audio file into the self-hosted library the way an
/// admin's upload does (the same checks, ffprobe and storage: `LibraryImport`), for bulk imports
/// and for `make run`, which seeds two generated tracks with `--if-missing`.
public enum LibraryCommand {
    public static func add(path: String, title: String, artist: String, album: String, ifMissing: Bool) throws {
        let env = try CommandEnvironment.load()
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
            throw CommandExit.failure
        }
        do {
            let database = try PostgresPool(conninfo: env.config.databaseURL, size: 1)
            if ifMissing, !title.isEmpty,
                try database.withConnection({
                    try TrackStore.libraryHas(title: TrackTags.clean(title), artist: TrackTags.clean(artist), on: $0)
                })
            {
                print("already in the library: \(title)")
                return
            }
            let added = try LibraryImport.add(
                Array(data), fileName: path, typed: (title, artist, album), uploadedBy: nil, config: env.config, database: database)
            print("added \(added.id): \(added.title)")
        } catch let refusal as SoundtrackRefusal {
            FileHandle.standardError.write(Data("\(path): \(refusal.message)\n".utf8))
            throw CommandExit.failure
        } catch {
            env.logger.critical("library add failed", metadata: ["error": "\(error)"])
            throw CommandExit.failure
        }
    }
}
