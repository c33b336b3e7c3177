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
        try UserStore(database: TestEnvironment.pool).create(
            email: try EmailAddress(validating: email),
            username: try Username(validating: "\(prefix)-\(suffix)"), displayName: "Tester", passwordHash: nil, on: conn)
    }
    return (try #require(id), email)
}

@Suite("Signed-in sessions", TestEnvironment.requirement)
struct AccountSessionTests {
    let sessions = AccountSessions(database: TestEnvironment.pool)
    let rooms = RoomStore(database: TestEnvironment.pool)

    @Test func signInRotatesTheSessionAndKeepsTheGuestsRooms() throws {
        let account = try makeAccount()
        let room = try TestRoom.make()
        let guest = room.host
        let before = try room.snapshot().room.version
        let (fresh, moved, _) = try TestEnvironment.pool.transaction { conn in
            try sessions.signIn(account.id, replacing: guest, userAgent: "test", on: conn)
        }
        #expect(moved.map(\.channel) == [room.channel])
        #expect(try room.snapshot().room.version == moved.first?.version)
        #expect(moved.first.map { $0.version > before } == true, "caches holding the old session's snapshot reload")
        #expect(fresh.raw != guest.raw)
        #expect(try sessions.currentUser(fresh)?.id == account.id)
        #expect(try sessions.currentUser(guest) == nil)
        let snapshot = try room.snapshot()
        #expect(snapshot.members.first { $0.role == .host }?.sessionHash == fresh.hash, "still the host, under the new session")
        #expect(try UserStore(database: TestEnvironment.pool).recentRooms(account.id).map(\.code) == [room.code.value])
    }

    @Test func signingBackInReclaimsSeatsLeftInEndedSessions() throws {
        let account = try makeAccount()
        let room = try TestRoom.make()
        let first = try TestEnvironment.pool.transaction { conn in
            try sessions.signIn(account.id, replacing: room.host, userAgent: "one", on: conn).session
        }
        _ = try TestEnvironment.pool.transaction { conn in try AccountSessions.signOut(first, on: conn) }
        let later = try TestEnvironment.pool.transaction { conn in
            try sessions.signIn(account.id, replacing: SessionID.fresh(), userAgent: "two", on: conn).session
        }
        #expect(try room.snapshot().members.first { $0.role == .host }?.sessionHash == later.hash)
    }

    @Test func endingOtherSessionsLeavesThisOne() throws {
        let account = try makeAccount()
        let signIn = {
            try TestEnvironment.pool.transaction { conn in
                try sessions.signIn(account.id, replacing: SessionID.fresh(), userAgent: "ua", on: conn).session
            }
        }
        let (a, b, c) = (try signIn(), try signIn(), try signIn())
        #expect(try sessions.list(userID: account.id, current: a).count == 3)
        _ = try TestEnvironment.pool.transaction { conn in try AccountSessions.endOthers(userID: account.id, keep: a, on: conn) }
        #expect(try sessions.currentUser(a) != nil)
        #expect(try sessions.currentUser(b) == nil)
        #expect(try sessions.currentUser(c) == nil)
        #expect(try sessions.list(userID: account.id, current: a).map(\.isCurrent) == [true])
    }

    @Test func mailTokensWorkOnceForTheirPurposeOnly() throws {
        let account = try makeAccount()
        let token = try TestEnvironment.pool.transaction { conn in try MailToken.issue(.magic, userID: account.id, on: conn) }
        #expect(try MailToken.peek(token, .reset, database: TestEnvironment.pool) == nil)
        #expect(try MailToken.peek(token, .magic, database: TestEnvironment.pool)?.userID == account.id)
        let first = try TestEnvironment.pool.transaction { conn in try MailToken.consume(token, .magic, on: conn) }
        let second = try TestEnvironment.pool.transaction { conn in try MailToken.consume(token, .magic, on: conn) }
        #expect(first?.userID == account.id)
        #expect(second == nil)
        #expect(try TestEnvironment.pool.transaction { conn in try MailToken.consume("not-a-token", .magic, on: conn) } == nil)
    }

    @Test func signingOutEndsTheCookiesSayOverItsRoomSeats() throws {
        let account = try makeAccount()
        let room = try TestRoom.make()
        let before = try room.snapshot().room.version
        let signedIn = try TestEnvironment.pool.transaction { conn in
            try sessions.signIn(account.id, replacing: room.host, userAgent: "", on: conn).session
        }
        let moved = try TestEnvironment.pool.transaction { conn in try AccountSessions.signOut(signedIn, on: conn) }
        #expect(moved.map(\.channel) == [room.channel], "the room is announced, so no cache keeps the old seat owner")
        let host = try #require(try room.snapshot().host)
        #expect(host.sessionHash != signedIn.hash, "the signed-out cookie no longer holds the host seat")
        #expect(try room.snapshot().room.version > before)
        let back = try TestEnvironment.pool.transaction { conn in
            try sessions.signIn(account.id, replacing: SessionID.fresh(), userAgent: "", on: conn).session
        }
        #expect(try room.snapshot().host?.sessionHash == back.hash, "signing in again brings the seat back")
    }

    @Test func idleAndOldSessionsNoLongerSignAnyoneIn() throws {
        let account = try makeAccount()
        let signIn = {
            try TestEnvironment.pool.transaction { conn in
                try sessions.signIn(account.id, replacing: SessionID.fresh(), userAgent: "ua", on: conn).session
            }
        }
        let (idle, old, fresh) = (try signIn(), try signIn(), try signIn())
        try TestEnvironment.pool.query("UPDATE sessions SET last_seen_at = now() - interval '15 days' WHERE id_hash = $1", [ByteA(idle.hash)])
        try TestEnvironment.pool.query("UPDATE sessions SET signed_in_at = now() - interval '31 days' WHERE id_hash = $1", [ByteA(old.hash)])
        #expect(try sessions.currentUser(idle) == nil, "14 days unused ends a session")
        #expect(try sessions.currentUser(old) == nil, "30 days after sign-in a session ends whatever happens")
        #expect(try sessions.currentUser(fresh)?.id == account.id)
        #expect(try sessions.list(userID: account.id, current: fresh).count == 1)
    }

    @Test func provingAnUnprovenAddressEndsEveryEarlierCredential() throws {
        let account = try makeAccount()
        let users = UserStore(database: TestEnvironment.pool)
        let planted = try TestEnvironment.pool.transaction { conn in
            try sessions.signIn(account.id, replacing: SessionID.fresh(), userAgent: "attacker", on: conn).session
        }
        try TestEnvironment.pool.query(
            """
            UPDATE users SET email_verified_at = NULL, password_hash = 'planted' WHERE id = $1
            """, [account.id])
        try TestEnvironment.pool.query(
            """
            INSERT INTO oauth_identities (provider, subject, user_id) VALUES ('github', $1, $2)
            """, ["attacker-\(account.id)", account.id])
        _ = try TestEnvironment.pool.transaction { conn in try users.prove(account.id, on: conn) }
        let proven = try #require(try users.find(id: account.id))
        #expect(proven.emailVerified)
        #expect(proven.passwordHash == nil, "the password set before the proof is gone")
        #expect(try TestEnvironment.pool.query("SELECT count(*) FROM oauth_identities WHERE user_id = $1", [account.id]).first?.int(0) == 0)
        #expect(try sessions.currentUser(planted) == nil, "sessions signed in before the proof are gone")
        // Proving again changes nothing: what the owner set up after the proof stays.
        try TestEnvironment.pool.transaction { conn in try users.setPassword(account.id, hash: "owners", on: conn) }
        _ = try TestEnvironment.pool.transaction { conn in try users.prove(account.id, on: conn) }
        #expect(try users.find(id: account.id)?.passwordHash == "owners")
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

@Suite("Switching accounts on one browser", TestEnvironment.requirement)
struct AccountSwitchTests {
    @Test func anotherAccountsSeatsStayWithIt() throws {
        let sessions = AccountSessions(database: TestEnvironment.pool)
        let (alice, bob) = (try makeAccount("alice"), try makeAccount("bob"))
        let room = try TestRoom.make()
        let asAlice = try TestEnvironment.pool.transaction { conn in
            try sessions.signIn(alice.id, replacing: room.host, userAgent: "", on: conn).session
        }
        let asBob = try TestEnvironment.pool.transaction { conn in try sessions.signIn(bob.id, replacing: asAlice, userAgent: "", on: conn).session }
        let host = try #require(try room.snapshot().host)
        #expect(host.sessionHash != asBob.hash, "Bob does not inherit Alice's seat")
        #expect(try UserStore(database: TestEnvironment.pool).recentRooms(alice.id).count == 1)
        #expect(try UserStore(database: TestEnvironment.pool).recentRooms(bob.id).isEmpty)
    }
}
