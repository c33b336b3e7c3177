import Foundation

/// `pomopomo backup [--to DIR]`: the database and the uploads into one new dated directory under
/// DIR (see `Backup`); prints `backup=PATH database_bytes=… uploads_bytes=… elapsed_ms=…`. Safe
/// while serving: pg_dump reads one consistent snapshot and takes no lock that blocks writers.
public enum BackupCommand {
    public static func run(to directory: String) throws {
        let env = try CommandEnvironment.load()
        let started = Date()
        do {
            let made = try Backup.make(config: env.config, into: directory)
            print(
                "backup=\(made.directory) database_bytes=\(made.databaseBytes) uploads_bytes=\(made.uploadsBytes) "
                    + "elapsed_ms=\(Int(Date().timeIntervalSince(started) * 1000))")
        } catch {
            env.logger.critical("backup failed", metadata: ["error": "\(error)"])
            throw CommandExit.failure
        }
    }
}
