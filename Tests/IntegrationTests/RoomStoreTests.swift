import Domain
import Foundation
import Postgres
import Testing
@testable import App

@Suite("Room store")
struct RoomStoreTests {
    let store = RoomStore(database: TestEnvironment.pool)

    @Test func createFindJoinAndVersion() throws {
        let host = SessionID.fresh()
        let room = try store.create(host: host, hostName: try DisplayName(validating: "Host"), lifetimeHours: 72)
        #expect(room.version == 1)
        #expect(room.status == "idle")
        #expect(try store.find(room.code)?.id == room.id)
        #expect(try store.find(RoomCode(parsing: room.code.value.lowercased())!)?.id == room.id)

        let guest = SessionID.fresh()
        let version = try store.join(room: room, session: guest, name: try DisplayName(validating: "<Guest>"))
        #expect(version == 2)
        let view = try #require(try store.snapshot(room.code)).view(for: guest)
        #expect(view.room.version == 2)
        let people = view.participants
        #expect(people.map(\.name) == ["Host", "<Guest>"])
        #expect(people.map(\.isViewer) == [false, true])
        #expect(people.map(\.role) == ["host", "guest"])
        #expect(people.allSatisfy { $0.online })

        // Joining again renames instead of duplicating.
        _ = try store.join(room: room, session: guest, name: try DisplayName(validating: "Guest"))
        #expect(try store.snapshot(id: room.id)?.view(for: nil).participants.map(\.name) == ["Host", "Guest"])
    }

    @Test func sessionsAreStoredOnlyHashed() throws {
        let host = SessionID.fresh()
        _ = try store.create(host: host, hostName: try DisplayName(validating: "Hash"), lifetimeHours: 72)
        let rows = try TestEnvironment.pool.query("SELECT id_hash FROM sessions WHERE id_hash = $1", [ByteA(host.hash)])
        #expect(rows.count == 1)
        #expect(rows.first!.bytes(0) != Array(host.raw.utf8))
        #expect(try TestEnvironment.pool.query("SELECT 1 FROM sessions WHERE encode(id_hash, 'escape') LIKE '%' || $1 || '%'", [host.raw]).count == 0)
    }

    @Test func expiredRoomsAreNotFound() throws {
        let room = try store.create(host: SessionID.fresh(), hostName: try DisplayName(validating: "Old"), lifetimeHours: 1)
        try TestEnvironment.pool.query("UPDATE rooms SET expires_at = now() - interval '1 second' WHERE id = $1", [room.id])
        #expect(try store.find(room.code) == nil)
        #expect(try store.snapshot(room.code) == nil)
    }

    @Test func comingBackFromAwayBumpsTheVersionOnce() throws {
        let host = SessionID.fresh()
        let room = try store.create(host: host, hostName: try DisplayName(validating: "Away"), lifetimeHours: 72)
        // Recently seen: nothing to write, nothing to announce.
        #expect(try store.touch(room: room, session: host) == nil)
        try TestEnvironment.pool.query("UPDATE participants SET last_seen_at = now() - interval '5 minutes' WHERE room_id = $1", [room.id])
        let away = try #require(try store.snapshot(room.code)).view(for: host)
        #expect(away.viewer?.online == false)
        #expect((away.viewer?.idleSeconds ?? 0) >= 299)
        #expect(try store.touch(room: room, session: host) == 2)
        #expect(try store.touch(room: room, session: host) == nil)
        #expect(try store.snapshot(id: room.id)?.view(for: nil).participants.first?.online == true)
    }

    @Test func codesAreUniqueUnderConcurrentCreation() throws {
        let codes = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 40) { i in
            let room = try! store.create(host: SessionID.fresh(), hostName: try! DisplayName(validating: "P\(i)"), lifetimeHours: 72)
            codes.mutate { $0.append(room.code.value) }
        }
        #expect(Set(codes.value).count == 40)
    }
}

final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T { lock.lock(); defer { lock.unlock() }; return stored }
    func mutate(_ body: (inout T) -> Void) { lock.lock(); body(&stored); lock.unlock() }
}
