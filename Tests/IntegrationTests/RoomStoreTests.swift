import Domain
import Foundation
import Postgres
import Testing

@testable import App

/// A fresh room for one test: its code, id and the host's session.
struct TestRoom {
    let code: RoomCode
    let id: String
    let host: SessionID
    var channel: String { "room:\(id)" }

    static func make(queue: [SegmentSpec] = SegmentSpec.classic, name: String = "Host", hours: Int = 72) throws -> TestRoom {
        let host = SessionID.fresh()
        let store = RoomStore(database: TestEnvironment.pool)
        let code = try store.create(
            host: host, hostName: try DisplayName(validating: name), theme: .midnightBloom, queue: queue,
            lifetimeHours: hours)
        return TestRoom(code: code, id: try #require(try store.find(code)).id, host: host)
    }

    func snapshot() throws -> RoomSnapshot { try #require(try RoomStore(database: TestEnvironment.pool).snapshot(code)) }
}

@Suite("Room store", TestEnvironment.requirement)
struct RoomStoreTests {
    let store = RoomStore(database: TestEnvironment.pool)

    @Test func aChangeForTheHostIsRefusedOnTheLockedRowToAGuestAndToSomeoneWithoutASeat() throws {
        let room = try TestRoom.make()
        let guest = SessionID.fresh()
        _ = try store.join(room.code, session: guest, name: try DisplayName(validating: "Guest"))
        let before = try room.snapshot().room.version
        func themeChange(_ session: SessionID, as role: RoomRole) throws {
            _ = try store.change(room.code, session: session, as: role) { conn, locked in
                try RoomStore.setTheme(locked.id, .forestCalm, on: conn)
                return ((), [.state])
            }
        }
        #expect(throws: RoomRefusal.hostOnly) { try themeChange(guest, as: .host) }
        #expect(throws: RoomRefusal.notJoined) { try themeChange(SessionID.fresh(), as: .participant) }
        #expect(try room.snapshot().room.version == before, "a refused change must change nothing")
        try themeChange(guest, as: .participant)
        try themeChange(room.host, as: .host)
        #expect(try room.snapshot().room.version == before + 2)
    }

    @Test func createFindJoinAndVersion() throws {
        let room = try TestRoom.make()
        let created = try room.snapshot()
        #expect(created.room.version == 1)
        #expect(created.room.status == .idle)
        #expect(created.segments.map(\.kind) == [.focus, .break, .focus, .break, .focus, .break, .focus, .longBreak])
        #expect(try store.find(RoomCode(parsing: room.code.value.lowercased())!)?.id == room.id)

        let guest = SessionID.fresh()
        let joined = try store.join(room.code, session: guest, name: try DisplayName(validating: "<Guest>"))
        #expect(joined.version == 2)
        let snapshot = try room.snapshot()
        #expect(snapshot.members.map(\.name) == ["Host", "<Guest>"])
        #expect(snapshot.members.map(\.role) == [.host, .guest])
        #expect(snapshot.member(for: guest)?.name == "<Guest>")
        #expect(snapshot.room.partVersions[.people] == 2)
        #expect(snapshot.room.partVersions[.chat] == 1)

        // Joining again renames instead of duplicating.
        _ = try store.join(room.code, session: guest, name: try DisplayName(validating: "Guest"))
        #expect(try room.snapshot().members.map(\.name) == ["Host", "Guest"])
    }

    @Test func sessionsAreStoredOnlyHashed() throws {
        let room = try TestRoom.make(name: "Hash")
        let rows = try TestEnvironment.pool.query("SELECT id_hash FROM sessions WHERE id_hash = $1", [ByteA(room.host.hash)])
        #expect(rows.count == 1)
        #expect(
            try TestEnvironment.pool.query("SELECT 1 FROM sessions WHERE encode(id_hash, 'escape') LIKE '%' || $1 || '%'", [room.host.raw]).count == 0
        )
    }

    @Test func expiredRoomsAreNotFound() throws {
        let room = try TestRoom.make(hours: 1)
        try TestEnvironment.pool.query("UPDATE rooms SET expires_at = now() - interval '1 second' WHERE id = $1", [room.id])
        #expect(try store.find(room.code) == nil)
        #expect(try store.snapshot(room.code) == nil)
    }

    @Test func aPresenceBatchBumpsTheVersionOnceForEveryoneWhoCameBack() throws {
        let room = try TestRoom.make(name: "Away")
        let host = try #require(try room.snapshot().members.first).id
        // Online already: written, nothing announced.
        #expect(try store.flushPresence(roomID: room.id, [(host, 0)]).version == nil)
        try TestEnvironment.pool.query("UPDATE participants SET last_seen_at = now() - interval '5 minutes' WHERE room_id = $1", [room.id])
        #expect(try room.snapshot().members[0].idleAtLoad >= 299)
        let before = try room.snapshot().room.version
        // Seen two seconds ago: came back; one bump for the batch, and last seen moves forward.
        #expect(try store.flushPresence(roomID: room.id, [(host, 2), (UUID().uuidString, 0)]).version == before + 1)
        let after = try room.snapshot()
        #expect(after.room.partVersions[.people] == before + 1)
        #expect(after.members[0].idleAtLoad < 10)
        #expect(try store.flushPresence(roomID: room.id, [(host, 0)]).version == nil)
        // An older sighting never moves last seen backwards.
        #expect(try store.flushPresence(roomID: room.id, [(host, 200)]).version == nil)
        #expect(try room.snapshot().members[0].idleAtLoad < 10)
        // A big room bumped moments ago: written, the bump reported as due, and made once owed.
        try TestEnvironment.pool.query("UPDATE participants SET last_seen_at = now() - interval '5 minutes' WHERE room_id = $1", [room.id])
        let held = try store.flushPresence(roomID: room.id, [(host, 0)], mayBump: false)
        #expect(held.cameBack && held.version == nil)
        #expect(try room.snapshot().members[0].idleAtLoad < 10)
        #expect(try store.flushPresence(roomID: room.id, [], mayBump: true, owed: true).version == before + 2)
    }

    @Test func codesAreUniqueUnderConcurrentCreation() throws {
        let codes = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 40) { i in
            let room = try! TestRoom.make(queue: [], name: "P\(i)")
            codes.mutate { $0.append(room.code.value) }
        }
        #expect(Set(codes.value).count == 40)
    }

    @Test func goingAwayIsAnnouncedOnceItHappens() throws {
        let room = try TestRoom.make(name: "Drifter")
        try TestEnvironment.pool.query("UPDATE participants SET last_seen_at = now() - interval '62 seconds' WHERE room_id = $1", [room.id])
        let before = try room.snapshot().room.version
        #expect(try store.announceNewlyAway(window: 5).map(\.channel).contains(room.channel))
        let after = try room.snapshot()
        #expect(after.room.version == before + 1)
        #expect(after.room.partVersions[.people] == before + 1)
        // Long gone: nothing new to tell.
        try TestEnvironment.pool.query("UPDATE participants SET last_seen_at = now() - interval '10 minutes' WHERE room_id = $1", [room.id])
        #expect(!(try store.announceNewlyAway(window: 5).map(\.channel).contains(room.channel)))
    }

    @Test func aHostWhoLeavesHandsOverToTheLongestPresent() throws {
        let room = try TestRoom.make()
        let first = SessionID.fresh()
        let second = SessionID.fresh()
        _ = try store.join(room.code, session: first, name: try DisplayName(validating: "First"))
        _ = try store.join(room.code, session: second, name: try DisplayName(validating: "Second"))
        _ = try store.leave(room.code, session: room.host)
        #expect(try room.snapshot().host?.name == "First")
    }

    @Test func absentHostsAreReplacedOnceEvenWithSeveralResponders() throws {
        let room = try TestRoom.make()
        let guest = SessionID.fresh()
        _ = try store.join(room.code, session: guest, name: try DisplayName(validating: "Heir"))
        try TestEnvironment.pool.query(
            "UPDATE participants SET last_seen_at = now() - interval '10 minutes' WHERE room_id = $1 AND role = 'host'", [room.id])
        let changed = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let moved = try! store.handOverFromAbsentHosts(after: 180).map(\.channel).filter { $0 == room.channel }
            changed.mutate { $0 += moved }
        }
        #expect(changed.value.count == 1)
        let snapshot = try room.snapshot()
        #expect(snapshot.host?.name == "Heir")
        #expect(snapshot.members.filter { $0.role == .host }.count == 1)
    }
}

final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
    func mutate(_ body: (inout T) -> Void) {
        lock.lock()
        body(&stored)
        lock.unlock()
    }
}
