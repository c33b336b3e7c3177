import Foundation
import Postgres

/// Applies the numbered .sql files in Migrations/ in order, each in its own transaction, and
/// records them in schema_migrations. An advisory lock makes concurrent runs wait, not race.
public struct Migrator {
    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let sql: String
    }

    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public static func bundled() throws -> [Migration] {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw Config.Problem(description: "the migrations are missing from the build")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }
        return try files.sorted().map { file in
            guard let version = Int(file.prefix(while: { $0.isNumber })) else {
                throw Config.Problem(description: "migration \(file) does not start with its number")
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return Migration(version: version, name: file, sql: sql)
        }
    }

    /// Returns the names of the migrations it applied. Each migration takes a transaction-level
    /// advisory lock and checks schema_migrations under it, so concurrent runs wait, not race; no
    /// session-level lock, which PgBouncer's transaction pooling would leave held on whichever
    /// server connection ran it (ARCHITECTURE.md, "Running on several hosts").
    @discardableResult
    public func migrate(_ migrations: [Migration]) throws -> [String] {
        try pool.withConnection { conn in
            try Self.locked(conn) {
                try conn.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """)
            }
            var done: [String] = []
            for migration in migrations {
                let applied = try Self.locked(conn) { () -> Bool in
                    let seen = try conn.query("SELECT 1 FROM schema_migrations WHERE version = $1", [migration.version])
                    guard seen.count == 0 else { return false }
                    try conn.execute(script: migration.sql)
                    try conn.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [migration.version, migration.name])
                    return true
                }
                if applied { done.append(migration.name) }
            }
            return done
        }
    }

    /// `body` in one transaction that holds the migrations' advisory lock until it ends.
    private static func locked<T>(_ conn: PostgresConnection, _ body: () throws -> T) throws -> T {
        try conn.query("BEGIN")
        do {
            try conn.query("SELECT pg_advisory_xact_lock(727001)")
            let value = try body()
            try conn.query("COMMIT")
            return value
        } catch {
            if conn.isHealthy { _ = try? conn.query("ROLLBACK") }
            throw error
        }
    }
}
