import Foundation
import Postgres

/// Puts a backup (`Backup`) back: into an empty database and an empty uploads directory only, so
/// a slip of the keyboard never mixes two sites or overwrites a live one. The files are checked
/// against the MANIFEST before anything is written; the database goes in one transaction; then the
/// uploads are unpacked and the migrations the backup predates are applied. Redis needs nothing:
/// a responder rebuilds what it holds from PostgreSQL (flush it if it still holds the old site's).
struct Restore {
    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    let migrationsApplied: [String]

    static func run(backup directory: String, config: Config, conninfo: String) throws -> Restore {
        let tools = BackupTools(postgresBin: config.postgresBin)
        let manifestPath = directory + "/" + Backup.manifestFile
        guard let text = try? String(contentsOfFile: manifestPath, encoding: .utf8), let manifest = BackupManifest(text: text) else {
            throw Refused(description: "\(manifestPath) is missing or is not a Pomopomo backup's MANIFEST")
        }
        for name in [Backup.databaseFile, Backup.uploadsFile] {
            guard let entry = manifest.files.first(where: { $0.file == name }) else {
                throw Refused(description: "the MANIFEST does not list \(name)")
            }
            guard try BackupManifest.Entry(file: name, in: directory, tools: tools) == entry else {
                throw Refused(description: "\(directory)/\(name) is not the file the backup wrote (its size or SHA-256 differs)")
            }
        }
        let database = PostgresPool(conninfo: conninfo, size: 1)
        let tables =
            try database.query(
                """
                SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND c.relkind IN ('r', 'v', 'S')
                """
            ).first?.int(0) ?? 0
        guard tables == 0 else {
            throw Refused(description: "the database already holds \(tables) tables: restore into a new, empty database")
        }
        let uploads = config.uploadsDirectory
        let present = (try? FileManager.default.contentsOfDirectory(atPath: uploads)) ?? []
        guard present.isEmpty else {
            throw Refused(description: "\(uploads) (POMOPOMO_UPLOADS) is not empty: restore into a new, empty directory")
        }
        try tools.pgRestore(conninfo: conninfo, from: directory + "/" + Backup.databaseFile)
        try FileManager.default.createDirectory(atPath: uploads, withIntermediateDirectories: true)
        try tools.extract(directory + "/" + Backup.uploadsFile, into: uploads)
        let applied = try Migrator(pool: database).migrate(try Migrator.bundled())
        return Restore(migrationsApplied: applied)
    }
}
