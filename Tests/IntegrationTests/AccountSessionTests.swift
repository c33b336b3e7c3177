import Domain
import Foundation
import Postgres
import Sodium
import Testing
@testable import App

/// A confirmed account straight in the database, for tests that start after sign-up.
func makeAccount(_ prefix: String = "it") throws -> (id: String, email: String) {
    let suffix = String(UUID().uuidString.prefix(8)).lowercased()
    let email = "\(prefix)-\(suffix)@example.test"
    let id = try TestEnvironment.pool.transaction { conn in
        try UserStore(database: TestEnvironment.pool).create(email: try EmailAddress(validating: email),
            username: try Username(validating: "\(prefix)-\(suffix)"), displayName: "Tester", passwordHash: nil, verified: true, on: conn)
    }
    return (try #require(id), email)
}

@Suite("Signed-in sessions")
struct AccountSessionTests {
    let sessions = AccountSessions(database: TestEnvironment.pool)
    let rooms = RoomStore(database: TestEnvironment.pool)

    @Test func signInRotatesTheSessionAndKeepsTheGuestsRooms() throws {
        let account = try makeAccount()
        let room = try TestRoom.make()
        let guest = room.host
        let before = try room.snapshot().room.version
        let (fresh, moved) = try TestEnvironment.pool.transaction { conn in
            try sessions.signIn(account.id, replacing: guest, userAgent: "test", on: conn)
        }
        #expect(moved.map(\.channel) == [room.channel])
        #expect(try room.snapshot().room.version == moved.first?.version)
        #expect(moved.first.map { $0.version > before } == true, "caches holding the old session's snapshot reload")
        #expect(fresh.raw != guest.raw)
        #expect(try sessions.currentUser(fresh)?.id == account.id)
        #expect(try sessions.currentUser(guest) == nil)
        let snapshot = try room.snapshot()
        #expect(snapshot.members.first { $0.role == "host" }?.sessionHash == fresh.hash, "still the host, under the new session")
        #expect(try UserStore(database: TestEnvironment.pool).recentRooms(account.id).map(\.code) == [room.code.value])
    }

    @Test func signingBackInReclaimsSeatsLeftInEndedSessions() throws {
        let account = try makeAccount()
        let room = try TestRoom.make()
        let first = try TestEnvironment.pool.transaction { conn in
            try sessions.signIn(account.id, replacing: room.host, userAgent: "one", on: conn).session
        }
        try sessions.signOut(first)
        let later = try TestEnvironment.pool.transaction { conn in
            try sessions.signIn(account.id, replacing: SessionID.fresh(), userAgent: "two", on: conn).session
        }
        #expect(try room.snapshot().members.first { $0.role == "host" }?.sessionHash == later.hash)
    }

    @Test func endingOtherSessionsLeavesThisOne() throws {
        let account = try makeAccount()
        let signIn = { try TestEnvironment.pool.transaction { conn in
            try sessions.signIn(account.id, replacing: SessionID.fresh(), userAgent: "ua", on: conn).session
        } }
        let (a, b, c) = (try signIn(), try signIn(), try signIn())
        #expect(try sessions.list(userID: account.id, current: a).count == 3)
        #expect(try sessions.endOthers(userID: account.id, keep: a) == 2)
        #expect(try sessions.currentUser(a) != nil)
        #expect(try sessions.currentUser(b) == nil)
        #expect(try sessions.currentUser(c) == nil)
        #expect(try sessions.list(userID: account.id, current: a).map(\.isCurrent) == [true])
    }

    @Test func mailTokensWorkOnceForTheirPurposeOnly() throws {
        let account = try makeAccount()
        let token = try TestEnvironment.pool.transaction { conn in try MailToken.issue(.magic, userID: account.id, on: conn) }
        #expect(try MailToken.peek(token, .reset, database: TestEnvironment.pool) == nil)
        #expect(try MailToken.peek(token, .magic, database: TestEnvironment.pool) == account.id)
        let first = try TestEnvironment.pool.transaction { conn in try MailToken.consume(token, .magic, on: conn) }
        let second = try TestEnvironment.pool.transaction { conn in try MailToken.consume(token, .magic, on: conn) }
        #expect(first?.userID == account.id)
        #expect(second == nil)
        #expect(try TestEnvironment.pool.transaction { conn in try MailToken.consume("not-a-token", .magic, on: conn) } == nil)
    }

    @Test func deletingAnAccountKeepsItsRoomSeatsDetached() throws {
        let account = try makeAccount()
        let room = try TestRoom.make()
        _ = try TestEnvironment.pool.transaction { conn in try sessions.signIn(account.id, replacing: room.host, userAgent: "", on: conn).session }
        _ = try TestEnvironment.pool.transaction { conn in try UserStore(database: TestEnvironment.pool).delete(account.id, on: conn) }
        #expect(try UserStore(database: TestEnvironment.pool).find(id: account.id) == nil)
        #expect(try room.snapshot().members.count == 1)
        #expect(try TestEnvironment.pool.query("SELECT count(*) FROM sessions WHERE user_id = $1", [account.id]).first?.int(0) == 0)
    }
}

@Suite("Switching accounts on one browser")
struct AccountSwitchTests {
    @Test func anotherAccountsSeatsStayWithIt() throws {
        let sessions = AccountSessions(database: TestEnvironment.pool)
        let (alice, bob) = (try makeAccount("alice"), try makeAccount("bob"))
        let room = try TestRoom.make()
        let asAlice = try TestEnvironment.pool.transaction { conn in try sessions.signIn(alice.id, replacing: room.host, userAgent: "", on: conn).session }
        let asBob = try TestEnvironment.pool.transaction { conn in try sessions.signIn(bob.id, replacing: asAlice, userAgent: "", on: conn).session }
        let host = try #require(try room.snapshot().host)
        #expect(host.sessionHash != asBob.hash, "Bob does not inherit Alice's seat")
        #expect(try UserStore(database: TestEnvironment.pool).recentRooms(alice.id).count == 1)
        #expect(try UserStore(database: TestEnvironment.pool).recentRooms(bob.id).isEmpty)
    }
}
