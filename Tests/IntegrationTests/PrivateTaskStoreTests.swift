import Domain
import Foundation
import Postgres
import Testing

@testable import App

/// `PrivateTaskStore.dueSoon`, which the /me dashboard calls: the owner's open tasks due on their
/// today or before, never anyone else's, never done ones.
@Suite("Private tasks due soon", TestEnvironment.requirement)
struct PrivateTaskStoreTests {
    let pool = TestEnvironment.pool

    func account() throws -> String {
        let tag = String(UUID().uuidString.prefix(8)).lowercased()
        return try pool.query(
            "INSERT INTO users (email, username, display_name, email_verified_at) VALUES ($1, $2, $2, now()) RETURNING id",
            ["pt-\(tag)@example.test", "pt-\(tag)"]
        ).first!.string(0)
    }

    func task(_ user: String, list: String, _ title: String, due: String?, done: Bool = false) throws {
        let id = try pool.transaction { conn in
            try PrivateTaskStore.add(userID: user, listID: list, title: title, notes: "", due: due.flatMap(LocalDate.init(iso:)), on: conn)
        }
        if done, let id { _ = try pool.transaction { try PrivateTaskStore.setDone(id, userID: user, done: true, on: $0) } }
    }

    @Test func dueTodayAndOverdueOnlyTheOwnersOpenTasksOldestFirst() throws {
        let (me, other) = (try account(), try account())
        let mine = try pool.transaction { try PrivateTaskStore.addList(userID: me, name: "Today", on: $0) }
        let work = try pool.transaction { try PrivateTaskStore.addList(userID: me, name: "Work", on: $0) }
        let theirs = try pool.transaction { try PrivateTaskStore.addList(userID: other, name: "Today", on: $0) }
        try task(me, list: mine, "today", due: "2026-03-11")
        try task(me, list: work, "long overdue", due: "2026-01-02")
        try task(me, list: mine, "tomorrow", due: "2026-03-12")
        try task(me, list: mine, "no date", due: nil)
        try task(me, list: mine, "done already", due: "2026-03-01", done: true)
        try task(other, list: theirs, "someone else's", due: "2026-03-01")
        let today = LocalDate(iso: "2026-03-11")!
        let due = try PrivateTaskStore(database: pool).dueSoon(userID: me, today: today, limit: 10)
        #expect(due.map(\.title) == ["long overdue", "today"])
        #expect(due.map(\.state) == [.overdue, .today])
        #expect(due.map(\.listName) == ["Work", "Today"])
        #expect(try PrivateTaskStore(database: pool).dueSoon(userID: me, today: today, limit: 1).count == 1)
        #expect(try PrivateTaskStore(database: pool).dueSoon(userID: "not-a-uuid", today: today, limit: 5).isEmpty)
    }

    @Test func todayIsTheOwnersDay() {
        // 2026-03-10 11:30 UTC
        let instant = Date(timeIntervalSince1970: 1_773_142_200)
        #expect(PrivateTaskStore.today(timezone: "Pacific/Kiritimati", at: instant).iso == "2026-03-11")
        #expect(PrivateTaskStore.today(timezone: "Pacific/Honolulu", at: instant).iso == "2026-03-10")
        #expect(PrivateTaskStore.today(timezone: "Not/AZone", at: instant).iso == "2026-03-10")
    }
}
