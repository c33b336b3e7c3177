import Dispatch
import Foundation
import Postgres
import Sodium
import Synchronization
import Testing

@testable import App

/// Admins' second factor against the real PostgreSQL: what must hold when two requests race.
@Suite("Two-factor store", TestEnvironment.requirement)
struct TwoFactorStoreTests {
    /// Its own connections, one per racing thread, so the races never wait on other suites' ones.
    static let racePool = PostgresPool(conninfo: TestEnvironment.databaseURL, size: 8)
    let store = TwoFactorStore(database: racePool)
    let sessions = AccountSessions(database: TestEnvironment.pool)

    func signedIn(_ userID: String) throws -> SessionID {
        try TestEnvironment.pool.transaction { conn in
            try sessions.signIn(userID, replacing: SessionID.fresh(), userAgent: "two-factor test", on: conn).session
        }
    }

    func enrolled(codes: [[UInt8]] = [Sodium.randomBytes(32)]) throws -> (user: String, session: SessionID) {
        let account = try makeAccount("tfa")
        let session = try signedIn(account.id)
        #expect(
            try store.enrol(userID: account.id, sealedSecret: Sodium.randomBytes(60), step: 100, recoveryHashes: codes, sessionHash: session.hash))
        return (account.id, session)
    }

    /// Runs `body` on `count` threads at once and counts the trues.
    func race(_ count: Int, _ body: @escaping @Sendable () throws -> Bool) -> Int {
        let wins = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: count) { _ in
            if (try? body()) == true { wins.add(1, ordering: .relaxed) }
        }
        return wins.load(ordering: .relaxed)
    }

    @Test func enrolmentMarksTheSessionAndASecondOneChangesNothing() throws {
        let code = Sodium.randomBytes(32)
        let (user, session) = try enrolled(codes: [code])
        #expect(try sessions.currentUser(session)?.secondFactorPassed == true)
        let other = try signedIn(user)
        #expect(try sessions.currentUser(other)?.secondFactorPassed == false, "each session passes on its own")
        #expect(!(try store.enrol(userID: user, sealedSecret: Sodium.randomBytes(60), step: 200, recoveryHashes: [], sessionHash: other.hash)))
        #expect(try store.enrolment(userID: user)?.lastUsedStep == 100)
        #expect(try store.unusedRecoveryCodes(userID: user) == 1, "the first enrolment's codes stay")
        #expect(try sessions.currentUser(other)?.secondFactorPassed == false)
    }

    @Test func aStepIsAcceptedOnceWhenManyRequestsRaceForIt() throws {
        let (user, _) = try enrolled()
        let session = try signedIn(user)
        let store = store
        #expect(race(8) { try store.accept(step: 101, userID: user, sessionHash: session.hash) } == 1)
        #expect(!(try store.accept(step: 100, userID: user, sessionHash: session.hash)), "an earlier step after a later one")
        #expect(try sessions.currentUser(session)?.secondFactorPassed == true)
    }

    @Test func aRecoveryCodeWorksOnceWhenManyRequestsRaceForIt() throws {
        let code = Sodium.randomBytes(32)
        let (user, _) = try enrolled(codes: [code, Sodium.randomBytes(32)])
        let session = try signedIn(user)
        let store = store
        #expect(race(8) { try store.useRecoveryCode(hash: code, userID: user, sessionHash: session.hash) == .accepted } == 1)
        #expect(try store.useRecoveryCode(hash: code, userID: user, sessionHash: session.hash) == .alreadyUsed)
        #expect(try store.useRecoveryCode(hash: Sodium.randomBytes(32), userID: user, sessionHash: session.hash) == .unknown)
        #expect(try store.unusedRecoveryCodes(userID: user) == 1)
    }

    @Test func wrongCodesLockTheAccountForTheRestOfTheirWindow() throws {
        let (user, _) = try enrolled()
        for _ in 1..<TwoFactorStore.failureLimit { try store.noteFailure(userID: user) }
        #expect(try store.enrolment(userID: user)?.lockedFor == nil)
        try store.noteFailure(userID: user)
        let wait = try #require(try store.enrolment(userID: user)?.lockedFor)
        #expect(wait > TwoFactorStore.failureWindow - 60 && wait <= TwoFactorStore.failureWindow)
        try TestEnvironment.pool.query(
            "UPDATE admin_second_factors SET failures_since = now() - interval '16 minutes' WHERE user_id = $1", [user])
        #expect(try store.enrolment(userID: user)?.lockedFor == nil, "a window that is over locks nothing")
        try store.noteFailure(userID: user)
        #expect(try TestEnvironment.pool.query("SELECT recent_failures FROM admin_second_factors WHERE user_id = $1", [user]).first?.int(0) == 1)
    }

    @Test func signingOutForgetsWhatTheSessionPassedAndResetForgetsEverything() throws {
        let (user, session) = try enrolled()
        _ = try TestEnvironment.pool.transaction { conn in try AccountSessions.signOut(session, on: conn) }
        #expect(try sessions.currentUser(session) == nil)
        let other = try signedIn(user)
        #expect(try store.accept(step: 101, userID: user, sessionHash: other.hash))
        #expect(try TestEnvironment.pool.transaction { conn in try TwoFactorStore.reset(userID: user, on: conn) })
        #expect(try sessions.currentUser(other)?.secondFactorPassed == false)
        #expect(try store.enrolment(userID: user) == nil)
        #expect(try store.unusedRecoveryCodes(userID: user) == 0)
    }
}
