import Foundation
import Postgres
import Redis
@testable import App

/// The real PostgreSQL and Redis that `make test` starts. These tests fail loudly without
/// them: a skipped integration test proves nothing.
enum TestEnvironment {
    static let env = ProcessInfo.processInfo.environment

    static var databaseURL: String {
        guard let url = env["POMOPOMO_DATABASE_URL"], !url.isEmpty else {
            fatalError("POMOPOMO_DATABASE_URL is not set: run the integration tests through `make test`")
        }
        return url + " connect_timeout=3"
    }

    static var redisAddress: RedisAddress {
        guard let text = env["POMOPOMO_REDIS"], let address = RedisAddress(text) else {
            fatalError("POMOPOMO_REDIS is not set: run the integration tests through `make test`")
        }
        return address
    }

    /// Migrated once per test process; migrations are idempotent anyway.
    static let pool: PostgresPool = {
        let pool = PostgresPool(conninfo: databaseURL, size: 4)
        _ = try! Migrator(pool: pool).migrate(try! Migrator.bundled())
        return pool
    }()
}
