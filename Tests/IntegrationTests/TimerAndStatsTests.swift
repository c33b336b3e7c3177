import Domain
import Foundation
import Postgres
import Testing

@testable import App

@Suite("Timer, sweeper and statistics", .serialized, TestEnvironment.requirement)
struct TimerAndStatsTests {
    let pool = TestEnvironment.pool
    let store = RoomStore(database: TestEnvironment.pool)

    func control(_ room: TestRoom, _ action: TimerAction, at: Int) throws {
        _ = try store.change(room.code, session: room.host) { conn, locked in
            ((), try TimerStore.control(action, at: at, room: locked, on: conn))
        }
    }

    /// Makes the running segment of `room` end `seconds` from now (negative: in the past).
    func endRunningSegment(_ room: TestRoom, in seconds: Double) throws {
        try pool.query(
            "UPDATE rooms SET segment_ends_at = now() + make_interval(secs => $2::float8) WHERE id = $1",
            [room.id, String(seconds)])
    }

    @Test func pauseKeepsTheRemainingTimeAndResumeContinuesFromIt() throws {
        let room = try TestRoom.make()
        try control(room, .start, at: 0)
        try endRunningSegment(room, in: 600)
        try control(room, .pause, at: 0)
        let paused = try room.snapshot().timer
        #expect(paused.status == .paused)
        #expect(abs(paused.remainingMs - 600_000) < 1_500)
        Thread.sleep(forTimeInterval: 0.3)
        try control(room, .resume, at: 0)
        let resumed = try room.snapshot().timer
        #expect(resumed.status == .running)
        #expect(abs(resumed.remainingMs - paused.remainingMs) < 1_500)
        #expect(throws: RoomRefusal.self) { try control(room, .skip, at: 3) }
    }

    @Test func aFocusSegmentThatEndsUnwatchedIsAdvancedAndCountedOnceBySeveralSweepers() throws {
        let room = try TestRoom.make()
        try control(room, .start, at: 0)
        try endRunningSegment(room, in: -0.5)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in _ = try! TimerStore.sweep(database: pool) }
        let timer = try room.snapshot().timer
        #expect(timer.index == 1)
        #expect(timer.status == .running)
        // The break began when the focus segment ended, not when the sweeper noticed.
        #expect(abs(timer.remainingMs - (300_000 - 500)) < 1_500)
        let credited = try pool.query("SELECT count(*), sum(seconds) FROM focus_completions WHERE room_id = $1", [room.id]).first!
        #expect(credited.int(0) == 1)
        #expect(credited.int(1) == 1500)
    }

    @Test func aLongAbsenceCatchesUpThroughSeveralSegmentsAndEnds() throws {
        let room = try TestRoom.make()
        try control(room, .start, at: 0)
        // Everything (25+5+25+5+25+5+25+15 = 130 min) was over an hour ago.
        try endRunningSegment(room, in: -(105 * 60 + 3600))
        _ = try TimerStore.sweep(database: pool)
        let snapshot = try room.snapshot()
        #expect(snapshot.room.status == .ended)
        let credited = try pool.query("SELECT count(*), sum(seconds) FROM focus_completions WHERE room_id = $1", [room.id]).first!
        #expect(credited.int(0) == 4)
        #expect(credited.int(1) == 4 * 1500)
    }

    @Test func skippedFocusIsNotCredited() throws {
        let room = try TestRoom.make()
        try control(room, .start, at: 0)
        try control(room, .skip, at: 0)
        #expect(try room.snapshot().timer.index == 1)
        #expect(try pool.query("SELECT count(*) FROM focus_completions WHERE room_id = $1", [room.id]).first!.int(0) == 0)
    }

    @Test func cleanRoomsCountsExactlyOnceEvenWhenRunConcurrently() throws {
        // A day of its own, so the figures are this test's alone (after folding any leftovers).
        _ = try StatsStore(database: pool).cleanExpiredRooms(redis: nil)
        try pool.query("DELETE FROM daily_statistics WHERE day = '2026-01-02'")
        try pool.query("DELETE FROM daily_session_seen WHERE day = '2026-01-02'")
        let shared = SessionID.fresh()
        var rooms: [TestRoom] = []
        for i in 0..<30 {
            let room = try TestRoom.make(name: "Clean\(i)")
            _ = try store.join(room.code, session: shared, name: try DisplayName(validating: "Regular"))
            try pool.query(
                "INSERT INTO focus_completions (room_id, segment_id, seconds, completed_at) VALUES ($1, gen_random_uuid(), 1500, '2026-01-02T10:00:00Z')",
                [room.id])
            rooms.append(room)
        }
        let ids = "{" + rooms.map(\.id).joined(separator: ",") + "}"
        try pool.query(
            """
            UPDATE rooms SET expires_at = now() - interval '1 second', created_at = '2026-01-02T09:00:00Z' WHERE id = ANY($1::uuid[]);
            """, [ids])
        try pool.query("UPDATE participants SET joined_at = '2026-01-02T09:30:00Z' WHERE room_id = ANY($1::uuid[])", [ids])
        let summaries = Locked<[StatsStore.Summary]>([])
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            let summary = try! StatsStore(database: pool).cleanExpiredRooms(batch: 7, redis: nil)
            summaries.mutate { $0.append(summary) }
        }
        // Other suites may expire rooms of their own meanwhile: those are counted on today.
        #expect(summaries.value.map(\.rooms).reduce(0, +) >= 30)
        let row = try #require(
            try pool.query(
                """
                SELECT rooms_created, total_participants, total_sessions, total_focus_seconds FROM daily_statistics WHERE day = '2026-01-02'
                """
            ).first)
        #expect(row.int(0) == 30)
        #expect(row.int(1) == 60)
        // 30 hosts plus one guest who was in every room.
        #expect(row.int(2) == 31)
        #expect(row.int(3) == 30 * 1500)
        #expect(try pool.query("SELECT count(*) FROM rooms WHERE id = ANY($1::uuid[])", [ids]).first!.int(0) == 0)
        _ = try StatsStore(database: pool).cleanExpiredRooms(redis: nil)
        #expect(try pool.query("SELECT rooms_created FROM daily_statistics WHERE day = '2026-01-02'").first!.int(0) == 30)
    }
}
