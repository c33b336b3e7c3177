import Postgres

/// `pomopomo migrate`.
public enum MigrateCommand {
    public static func run() throws {
        let env = try CommandEnvironment.load()
        do {
            let pool = PostgresPool(conninfo: env.config.databaseURL, size: 1)
            let applied = try Migrator(pool: pool).migrate(try Migrator.bundled())
            env.logger.info("migrated", metadata: ["applied": "\(applied.isEmpty ? "nothing new" : applied.joined(separator: ","))"])
        } catch {
            env.logger.critical("migration failed", metadata: ["error": "\(error)"])
            throw CommandExit.failure
        }
    }
}
