import Foundation
import Postgres
import Testing

@testable import App

@Suite("PostgreSQL wrapper", .serialized, TestEnvironment.requirement)
struct PostgresTests {
    let pool = TestEnvironment.pool

    @Test func boundParametersKeepHostileTextVerbatim() throws {
        let hostile = "'; DROP TABLE rooms; -- \u{0}".replacingOccurrences(of: "\u{0}", with: "") + " ünï 🍅 \\ $1"
        let row = try pool.query(
            "SELECT $1::text, $2::int, $3::bool, $4::bytea, $5::text", [hostile, 42, true, ByteA([0, 255, 7]), Optional<String>.none]
        ).first!
        #expect(row.string(0) == hostile)
        #expect(row.int(1) == 42)
        #expect(row.bool(2))
        #expect(row.bytes(3) == [0, 255, 7])
        #expect(row[4] == nil)
        // The table is still there.
        #expect(try pool.query("SELECT count(*) FROM rooms").first != nil)
    }

    @Test func sqlstatesBecomeTypedErrors() throws {
        try pool.query("CREATE TEMP TABLE IF NOT EXISTS t_unique (k text UNIQUE)")
        #expect(throws: PostgresError.self) {
            try pool.withConnection { conn in
                try conn.query("CREATE TEMP TABLE u (k text CONSTRAINT u_k UNIQUE)")
                try conn.query("INSERT INTO u VALUES ('a')")
                try conn.query("INSERT INTO u VALUES ('a')")
            }
        }
        do {
            try pool.withConnection { conn in
                try conn.query("CREATE TEMP TABLE IF NOT EXISTS v (k text CONSTRAINT v_k UNIQUE)")
                try conn.query("INSERT INTO v VALUES ('a') ON CONFLICT DO NOTHING")
                try conn.query("INSERT INTO v VALUES ('a')")
            }
            Issue.record("expected a unique violation")
        } catch PostgresError.uniqueViolation(let constraint, _) {
            #expect(constraint == "v_k")
        }
        #expect(throws: PostgresError.self) { try pool.query("SELECT * FROM no_such_table") }
    }

    @Test func transactionsRollBackOnError() throws {
        try pool.query("CREATE TABLE IF NOT EXISTS it_tx (n int)")
        try pool.query("DELETE FROM it_tx")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try pool.transaction { conn in
                try conn.query("INSERT INTO it_tx VALUES (1)")
                throw Boom()
            }
        }
        #expect(try pool.query("SELECT count(*) FROM it_tx").first!.int(0) == 0)
    }

    @Test func aConnectionKilledWhileIdleIsReplacedBeforeAnyRequestFails() throws {
        let small = PostgresPool(conninfo: TestEnvironment.databaseURL, size: 1)
        let pid = try small.query("SELECT pg_backend_pid()").first!.int(0)
        try pool.query("SELECT pg_terminate_backend($1, 5000)", [pid])
        // The idle connection is found dead at checkout, so the request itself succeeds.
        let newPid = try small.query("SELECT pg_backend_pid()").first!.int(0)
        #expect(newPid != pid)
    }

    @Test func aConnectionKilledMidRequestFailsAsUnavailableThenRecovers() throws {
        let small = PostgresPool(conninfo: TestEnvironment.databaseURL, size: 1)
        let pid = try small.query("SELECT pg_backend_pid()").first!.int(0)
        let killer = Thread { _ = try? TestEnvironment.pool.query("SELECT pg_sleep(0.2), pg_terminate_backend($1)", [pid]) }
        killer.start()
        #expect {
            try small.query("SELECT pg_sleep(3)")
        } throws: { error in
            if case PostgresError.unavailable = error { return true }
            return false
        }
        #expect(try small.query("SELECT pg_backend_pid()").first!.int(0) != pid)
    }

    @Test func anUnreachableServerIsUnavailableNotACrash() {
        let dead = PostgresPool(conninfo: "host=/nonexistent-dir dbname=x connect_timeout=1", size: 1)
        #expect {
            try dead.query("SELECT 1")
        } throws: { error in
            if case PostgresError.unavailable = error { return true }
            return false
        }
    }

    @Test func migrationsAreRecordedAndIdempotent() throws {
        let applied = try Migrator(pool: pool).migrate(try Migrator.bundled())
        #expect(applied.isEmpty)
        let versions = try pool.query("SELECT version FROM schema_migrations ORDER BY version").map { $0.int(0) }
        #expect(versions.first == 1)
    }
}
