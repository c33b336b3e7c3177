import Domain
import Foundation
import Postgres

/// Which day a journal session belongs to: the personal timer's day (the owner's zone and daily
/// reset time, `PersonalTimer.boundary`), or the zone's midnight for someone with no timer yet.
/// The same `DayBoundary` the timer's count and its reset use, so the journal's day and the
/// timer's "today" never disagree.
enum JournalDayRule {
    static func boundary(userID: String, on conn: PostgresConnection) throws -> DayBoundary {
        if let timer = try PersonalTimerStore.find(.user(userID), on: conn) { return timer.boundary }
        let zone = try conn.query("SELECT timezone FROM users WHERE id = $1", [userID]).first?.string(0) ?? "UTC"
        return DayBoundary(zoneName: zone) ?? DayBoundary(zoneName: "UTC")!
    }

    static func day(userID: String, at instant: Date, on conn: PostgresConnection) throws -> LocalDate {
        try boundary(userID: userID, on: conn).day(at: instant)
    }
}
