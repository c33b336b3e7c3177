import Domain
import Foundation

/// The top of each board read straight from PostgreSQL, for the page while Redis is down or
/// the boards are being rebuilt. Each answer is kept for 10 s in this process, so an outage
/// costs the database at most one bounded query per board every 10 s per responder, however
/// many people look.
final class LeaderboardFallback: @unchecked Sendable {
    static let keepSeconds: TimeInterval = 10

    private let store: LeaderboardStore
    private let lock = NSLock()
    private var kept: [String: (at: Date, entries: [LeaderboardEntry])] = [:]

    init(store: LeaderboardStore) { self.store = store }

    /// The first `limit` people of `kind`'s board at `now`.
    func top(_ kind: LeaderboardKind, limit: Int, now: Date = Date()) throws -> [LeaderboardEntry] {
        let span: LeaderboardPeriod? =
            switch kind {
            case .weekly: .week(containing: now)
            case .monthly: .month(containing: now)
            case .alltime, .consistency: nil
            }
        return try cached(kind.rawValue + ":" + (span?.id ?? "") + ":\(limit)", now: now) {
            switch kind {
            case .weekly, .monthly: return try store.topSums(in: span!, limit: limit)
            case .alltime: return try store.topTotals(limit: limit)
            case .consistency: return try store.topStreaks(limit: limit)
            }
        }
    }

    /// The first `limit` people of last week's board.
    func lastWeek(limit: Int, now: Date = Date()) throws -> [LeaderboardEntry] {
        let week = LeaderboardPeriod.week(containing: now).previous
        return try cached("lastweek:" + week.id + ":\(limit)", now: now) { try store.topSums(in: week, limit: limit) }
    }

    private func cached(_ key: String, now: Date, _ read: () throws -> [(String, Int)]) throws -> [LeaderboardEntry] {
        lock.lock()
        if let hit = kept[key], now.timeIntervalSince(hit.at) < Self.keepSeconds {
            lock.unlock()
            return hit.entries
        }
        lock.unlock()
        let rows = try read()
        let places = LeaderboardRanking.places(scores: rows.map(\.1), offset: 0, above: 0)
        let entries = zip(rows, places).map { LeaderboardEntry(userID: $0.0, score: $0.1, place: $1) }
        lock.lock()
        kept[key] = (now, entries)
        lock.unlock()
        return entries
    }
}
