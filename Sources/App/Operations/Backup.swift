import Foundation
import Postgres

/// One backup: a directory `pomopomo-YYYYMMDD-HHMMSSZ` holding the database as pg_dump's custom
/// format (`database.pgdump`), POMOPOMO_UPLOADS whole (`uploads.tar`: avatars, voice notes, the
/// music library) and a `MANIFEST` (when, the newest migration, and each file's size and SHA-256,
/// which a restore checks first). It is written under a `.partial-` name and renamed when complete,
/// so a dated directory is always a whole backup. Redis is not in it: everything there is rebuilt
/// from PostgreSQL.
///
/// The database is dumped first, then the uploads archived: a file is stored before the row that
/// names it commits and deleted after the row is gone, so every file the dump names is still there
/// when the archive is made, unless it was deleted in between (its owner deleted that note meanwhile).
struct Backup {
    static let databaseFile = "database.pgdump"
    static let uploadsFile = "uploads.tar"
    static let manifestFile = "MANIFEST"

    let directory: String
    let databaseBytes: Int
    let uploadsBytes: Int

    static func make(config: Config, into parent: String, now: Date = Date()) throws -> Backup {
        let files = FileManager.default
        try files.createDirectory(atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let name = "pomopomo-" + stamp(now)
        let partial = parent + "/.partial-" + name
        let final = parent + "/" + name
        guard !files.fileExists(atPath: final) else { throw BackupTools.Failed(description: "\(final) already exists") }
        try? files.removeItem(atPath: partial)
        try files.createDirectory(atPath: partial, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        do {
            let tools = BackupTools(postgresBin: config.postgresBin)
            let migration = try newestMigration(config.databaseURL)
            try tools.pgDump(conninfo: config.databaseURL, to: partial + "/" + databaseFile)
            try files.createDirectory(atPath: config.uploadsDirectory, withIntermediateDirectories: true)
            try tools.archive(directory: config.uploadsDirectory, to: partial + "/" + uploadsFile)
            let manifest = try BackupManifest(
                created: now, migration: migration,
                files: [databaseFile, uploadsFile].map { try BackupManifest.Entry(file: $0, in: partial, tools: tools) })
            try manifest.text.write(toFile: partial + "/" + manifestFile, atomically: true, encoding: .utf8)
            try files.moveItem(atPath: partial, toPath: final)
            return Backup(directory: final, databaseBytes: manifest.files[0].bytes, uploadsBytes: manifest.files[1].bytes)
        } catch {
            try? files.removeItem(atPath: partial)
            throw error
        }
    }

    /// 20261203-031000Z: sorts by time, names the moment in UTC whatever the host's zone.
    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// The newest migration the database has: a restore into an older binary would be refused by it.
    static func newestMigration(_ conninfo: String) throws -> String {
        try PostgresPool(conninfo: conninfo, size: 1).query("SELECT coalesce(max(name), '') FROM schema_migrations").first?.string(0) ?? ""
    }
}
