import Foundation
import Postgres
import Redis
import Testing

@testable import App

/// The real PostgreSQL and Redis that `make test` starts. A plain `swift test` has neither,
/// so every integration suite is then skipped with `requirement`'s message (the unit tests
/// still run); `make test` always sets both, so there they all run.
enum TestEnvironment {
    static let env = ProcessInfo.processInfo.environment

    static var available: Bool {
        let present = !(env["POMOPOMO_DATABASE_URL"] ?? "").isEmpty && RedisAddress(env["POMOPOMO_REDIS"] ?? "") != nil
        // `make test` asks for them, so there a missing service fails loudly instead of skipping.
        if !present && env["POMOPOMO_TEST_REQUIRE_SERVICES"] == "1" {
            fatalError("POMOPOMO_TEST_REQUIRE_SERVICES=1 but POMOPOMO_DATABASE_URL or POMOPOMO_REDIS is missing")
        }
        return present
    }

    /// The trait every integration suite carries.
    static let requirement = ConditionTrait.enabled(
        if: available, "needs PostgreSQL and Redis (POMOPOMO_DATABASE_URL, POMOPOMO_REDIS): run `make test`")

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
