import Domain
import Foundation
import Postgres
import Testing

@testable import App

@Suite("Focus credit", TestEnvironment.requirement)
struct FocusCreditTests {
    let pool = TestEnvironment.pool

    func claim(_ userID: String, seconds: Int, completed: Bool = true) -> FocusLedger.Claim {
        FocusLedger.Claim(
            userID: userID, sessionHash: Array(repeating: 7, count: 32), seconds: seconds, completed: completed, peoplePresent: 1,
            hosted: false)
    }

    func stats(_ userID: String) throws -> [String?] {
        let row = try #require(
            try pool.query(
                """
                SELECT total_seconds, sessions, last_day, streak_current, streak_best, freezes_banked, freezes_spent,
                       best_day, best_day_seconds, day_seconds, credited_until, streak_alive_until
                FROM user_stats WHERE user_id = $1
                """, [userID]
            ).first)
        return (0..<12).map { row[$0] }
    }

    @Test func fourRoomsCreditingOnePersonAtOnceNeverCreditTheSameMomentTwice() throws {
        let account = try makeAccount("twice")
        let end = Date()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            _ = try! pool.transaction { conn in
                try FocusLedger.credit([claim(account.id, seconds: 1500)], source: .room, roomID: nil, endedAt: end, on: conn)
            }
        }
        let total = try pool.query("SELECT sum(seconds), count(*) FROM focus_credits WHERE user_id = $1", [account.id]).first!
        #expect(total.int(0) == 1500)
        #expect(total.int(1) == 1)
        #expect(try stats(account.id)[0] == "1500")
    }

    @Test func theTallyRebuiltFromTheLedgerEqualsTheOneFoldedAsCreditArrived() throws {
        let account = try makeAccount("fold")
        try pool.query("UPDATE users SET timezone = 'Asia/Tokyo' WHERE id = $1", [account.id])
        // Ten days of focus, two a day on some, a gap of two days, one across Tokyo's midnight.
        let start = Date().addingTimeInterval(-12 * 86_400)
        for offset in [0.0, 0.3, 1.0, 2.0, 2.5, 5.0, 6.0, 7.0, 8.0, 9.0] {
            _ = try pool.transaction { conn in
                try FocusLedger.credit(
                    [claim(account.id, seconds: 1500, completed: offset != 2.5)], source: .room, roomID: nil,
                    endedAt: start.addingTimeInterval(offset * 86_400), on: conn)
            }
        }
        let live = try stats(account.id)
        #expect(live[0] == String(10 * 1500))
        #expect(live[1] == "9")
        _ = try pool.transaction { conn in try FocusLedger.rebuild(userID: account.id, on: conn) }
        #expect(try stats(account.id) == live)
    }

    @Test func aLongAbsenceCreditsEachFocusSegmentAtItsOwnEnd() throws {
        let room = try TestRoom.make()
        let store = RoomStore(database: pool)
        _ = try store.change(room.code, session: room.host) { conn, locked in
            ((), try TimerStore.control(.start, at: 0, room: locked, on: conn))
        }
        // The whole classic queue (130 minutes) ended an hour ago, while the host's page stayed open;
        // in the small hours, an hour before midnight UTC instead, as a segment across the guest's
        // midnight is credited in two parts, one to each day.
        let sinceMidnight = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400)
        let ago = sinceMidnight < 3_600 + 130 * 60 + 60 ? sinceMidnight + 3_600 : 3_600
        try pool.query(
            """
            UPDATE rooms SET segment_ends_at = segment_ends_at - interval '105 minutes' - make_interval(secs => $2::float8),
                             focus_since = focus_since - interval '105 minutes' - make_interval(secs => $2::float8)
            WHERE id = $1
            """, [room.id, String(ago)])
        _ = try TimerStore.sweep(database: pool)
        let rows = try pool.query(
            """
            SELECT seconds, completed, extract(epoch FROM ended_at)::float8 FROM focus_credits WHERE room_id = $1 ORDER BY ended_at
            """, [room.id])
        #expect(rows.map { $0.int(0) } == [1500, 1500, 1500, 1500])
        #expect(rows.allSatisfy { $0.bool(1) })
        let ends = rows.map { Double($0.string(2))! }
        // Focus, break (5 min), focus…: each focus ends 30 minutes after the previous one.
        #expect(zip(ends, ends.dropFirst()).allSatisfy { abs($1 - $0 - 1800) < 1 })
    }
}
