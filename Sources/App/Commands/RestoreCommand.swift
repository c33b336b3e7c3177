import Foundation

/// `pomopomo restore DIR [--database CONNINFO]`: a backup back into an empty database (by default
/// POMOPOMO_DATABASE_URL's) and an empty POMOPOMO_UPLOADS (see `Restore`); prints
/// `restored=DIR migrations_applied=N elapsed_ms=…`. Refuses (exit 1, nothing written) when either
/// is not empty or a file does not match the backup's MANIFEST.
public enum RestoreCommand {
    public static func run(backup directory: String, database: String?) throws {
        let env = try CommandEnvironment.load()
        let started = Date()
        do {
            let conninfo = database.map { $0.contains("connect_timeout") ? $0 : $0 + " connect_timeout=3" } ?? env.config.databaseURL
            let restored = try Restore.run(backup: directory, config: env.config, conninfo: conninfo)
            print(
                "restored=\(directory) migrations_applied=\(restored.migrationsApplied.count) "
                    + "elapsed_ms=\(Int(Date().timeIntervalSince(started) * 1000))")
        } catch {
            env.logger.critical("restore failed", metadata: ["error": "\(error)"])
            throw CommandExit.failure
        }
    }
}
