import Domain
import Foundation
import Logging
import Postgres
import Redis

/// The leaderboards: Redis sorted sets (see `LeaderboardKeys`) mirroring PostgreSQL, which stays
/// the truth. Every write puts in Redis what PostgreSQL says now, never an increment: a credit's
/// sums only grow, so they are written with `ZADD GT` and a late or repeated write can neither
/// double nor lower anything; streaks, which do fall, carry the credit they were read from.
/// A write that fails (Redis down, hung, or PostgreSQL) marks this process's boards dirty, and
/// the serve jobs (`maintain`) rebuild everything once Redis answers; a flush is noticed by the
/// missing `leaderboard:built` mark. Only accounts are ranked, never guests, and never accounts
/// that left the boards or that an admin hid.
final class Leaderboards: @unchecked Sendable {
    let redis: RedisPool?
    let database: PostgresPool
    let logger: Logger
    /// The top of each board from PostgreSQL, for pages while Redis is catching up.
    let fallback: LeaderboardFallback
    /// Who is on the boards, by name, kept a moment.
    let names = LeaderboardNames()
    /// Every process rebuilds everything this often (one of them, by the lock), which also
    /// repairs writes lost to a process killed between a commit and its write to Redis.
    static let fullRebuildInterval: TimeInterval = 6 * 3600

    private let lock = NSLock()
    /// When the latest write of this process failed; nil once a rebuild started after it.
    private var failedAt: Date?
    private var lastFailureLog = Date.distantPast

    init(redis: RedisPool?, database: PostgresPool, logger: Logger = Logger(label: "pomopomo")) {
        self.redis = redis
        self.database = database
        self.logger = logger
        fallback = LeaderboardFallback(store: LeaderboardStore(database: database))
    }

    var store: LeaderboardStore { LeaderboardStore(database: database) }

    // MARK: - Writes

    /// Called after the transaction that wrote `credits` committed: the boards of the spans those
    /// credits ended in, all time and the streaks, for the ranked accounts among them.
    func record(_ credits: [FocusCredit]) {
        let userIDs = Array(Set(credits.compactMap(\.userID))).sorted()
        guard !userIDs.isEmpty, let redis else { return }
        attempt("record") {
            guard !redis.isDown else { throw RedisError.unavailable("skipped after a recent failure") }
            let readAt = Date()
            let totals = try store.totals(of: userIDs)
            let ranked = totals.map(\.userID)
            guard !ranked.isEmpty else { return }
            let spans = Set(credits.flatMap { [LeaderboardPeriod.week(containing: $0.end), LeaderboardPeriod.month(containing: $0.end)] })
            for period in spans.sorted(by: { $0.id < $1.id }) {
                try writeSums(
                    try store.sums(in: period, of: ranked), to: Self.key(period), mode: .raise, readAt: readAt,
                    expireAt: LeaderboardKeys.expiry(period))
            }
            try writeSums(totals.map { ($0.userID, $0.totalSeconds) }, to: LeaderboardKeys.alltime, mode: .raise, readAt: readAt)
            try writeStreaks(totals, now: Date(), readAt: readAt)
        }
    }

    /// Rewrites one account's lines from PostgreSQL: after a sign-in adopted guest credit, when
    /// someone rejoins the boards, when an admin lets them back. Someone not ranked is removed.
    func refresh(userID: String) {
        guard let redis else { return }
        attempt("refresh") {
            let now = Date()
            guard let totals = try store.totals(of: [userID]).first else {
                try removeNow(userID)
                return
            }
            try redis.command(["ZREM", LeaderboardKeys.left, userID])
            let week = LeaderboardPeriod.week(containing: now)
            for period in [week, week.previous, LeaderboardPeriod.month(containing: now)] {
                let seconds = try store.sums(in: period, of: [userID]).first?.1 ?? 0
                try writeSums([(userID, seconds)], to: Self.key(period), mode: .set, readAt: now, expireAt: LeaderboardKeys.expiry(period))
            }
            try writeSums([(userID, totals.totalSeconds)], to: LeaderboardKeys.alltime, mode: .set, readAt: now)
            try writeStreaks([totals], now: now, readAt: now)
        }
    }

    /// Takes an account off every board at once (it left them, an admin hid it, it was
    /// deleted). Call after the change committed.
    func remove(userID: String) {
        guard redis != nil else { return }
        attempt("remove") { try removeNow(userID) }
    }

    private func removeNow(_ userID: String) throws {
        guard let redis else { return }
        let keys = [LeaderboardKeys.left, LeaderboardKeys.streakRead] + LeaderboardKeys.everyBoard(at: Date())
        try redis.command(["EVAL", LeaderboardScripts.remove, String(keys.count)] + keys + [Self.milliseconds(Date()), userID])
    }

    enum WriteMode: String {
        /// Only raise a score (sums of an append-only ledger only grow).
        case raise = "gt"
        /// The score as just read; 0 removes the line.
        case set
    }

    static func milliseconds(_ date: Date) -> String { String(Int(date.timeIntervalSince1970 * 1000)) }

    static func key(_ period: LeaderboardPeriod) -> String {
        period.span == .week ? LeaderboardKeys.weekly(period) : LeaderboardKeys.monthly(period)
    }

    /// Writes scores read from PostgreSQL at `readAt` into `key` (target "": the live set; a build
    /// token: that build's copy). False when the build lost its lock.
    @discardableResult
    func writeSums(
        _ sums: [(String, Int)], to key: String, mode: WriteMode, readAt: Date, expireAt: Int = 0, target: String = ""
    ) throws
        -> Bool
    {
        guard let redis else { return true }
        var start = 0
        while start < sums.count {
            let chunk = sums[start..<min(sums.count, start + 1000)]
            start += 1000
            var args = [
                "EVAL", LeaderboardScripts.sums, "2", LeaderboardKeys.left, key, mode.rawValue, String(expireAt), target, Self.milliseconds(readAt),
            ]
            args.reserveCapacity(args.count + 2 * chunk.count)
            for (member, score) in chunk { args += [String(score), member] }
            if try redis.command(args).integer == -1 { return false }
        }
        return true
    }

    /// Writes streaks into the consistency board (or a build's copy of it). False when the
    /// build lost its lock.
    @discardableResult
    func writeStreaks(_ totals: [LeaderboardStore.Totals], now: Date, readAt: Date, target: String = "") throws -> Bool {
        guard let redis else { return true }
        var start = 0
        while start < totals.count {
            let chunk = totals[start..<min(totals.count, start + 500)]
            start += 500
            var args = [
                "EVAL", LeaderboardScripts.streaks, "4", LeaderboardKeys.left, LeaderboardKeys.consistency, LeaderboardKeys.streakUntil,
                LeaderboardKeys.streakRead, String(Int(now.timeIntervalSince1970)), target, Self.milliseconds(readAt),
            ]
            args.reserveCapacity(args.count + 4 * chunk.count)
            for t in chunk { args += [t.userID, String(t.streak), String(t.streakAliveUntil), String(t.lastCreditMs)] }
            if try redis.command(args).integer == -1 { return false }
        }
        return true
    }

    // MARK: - Reads

    /// One page of a board with the viewer's place and neighbours (and, on the weekly board, last
    /// week's final standings), in one round trip. Nil when Redis is unavailable or the boards
    /// are not built (after a flush, until the rebuild finishes): the page then reads the top
    /// from PostgreSQL.
    func read(_ kind: LeaderboardKind, _ paging: LeaderboardPaging, viewer: String?, lastWeekShown: Int, now: Date = Date()) -> LeaderboardSnapshot? {
        guard let redis, !redis.isDown else { return nil }
        let lastWeek = LeaderboardKeys.weekly(LeaderboardPeriod.week(containing: now).previous)
        let reply = try? redis.command([
            "EVAL", LeaderboardScripts.read, "3", LeaderboardKeys.board(kind, at: now), LeaderboardKeys.built, lastWeek,
            String(paging.offset), String(LeaderboardPaging.pageSize), viewer ?? "", String(LeaderboardPaging.reach),
            String(kind == .weekly ? lastWeekShown : 0),
        ])
        guard case .array(let parts)? = reply, parts.count == 6, parts[0].integer == 1 else { return nil }
        let page = Self.pairs(parts[2])
        let entries = Self.entries(page, offset: paging.offset, above: parts[3].integer ?? 0)
        var viewerLine: LeaderboardSnapshot.Viewer? = nil
        if case .array(let mine) = parts[4], mine.count == 4, let place = mine[0].integer, let first = mine[1].integer {
            let around = Self.entries(Self.pairs(mine[3]), offset: first, above: mine[2].integer ?? 0)
            if place - first < around.count { viewerLine = .init(index: place, entry: around[place - first], around: around) }
        }
        var lastWeekLines: LeaderboardSnapshot.LastWeek? = nil
        if case .array(let last) = parts[5], last.count == 6 {
            let top = Self.entries(Self.pairs(last[1]), offset: 0, above: last[2].integer ?? 0)
            var mine: LeaderboardEntry? = nil
            if let viewer, let place = last[3].integer, place >= 0, let above = last[5].integer {
                mine = LeaderboardEntry(userID: viewer, score: Self.score(last[4]), place: above + 1)
            }
            lastWeekLines = .init(total: last[0].integer ?? 0, top: top, viewer: mine)
        }
        return LeaderboardSnapshot(
            total: parts[1].integer ?? 0, entries: entries, viewer: viewerLine, lastWeek: lastWeekLines, fromDatabase: false)
    }

    /// The scores of `userIDs` on a board now (one round trip, O(ids)): those not on it are
    /// absent. Nil when Redis cannot say or the boards are not built.
    func scores(_ kind: LeaderboardKind, of userIDs: [String], now: Date = Date()) -> [(id: String, score: Int)]? {
        guard let redis, !redis.isDown else { return nil }
        guard
            case .array(let parts)? = try? redis.command(
                ["EVAL", LeaderboardScripts.scores, "2", LeaderboardKeys.board(kind, at: now), LeaderboardKeys.built] + userIDs),
            parts.count == 2, parts[0].integer == 1, case .array(let values) = parts[1]
        else { return nil }
        return zip(userIDs, values).compactMap { id, value in value.string.map { (id, Int(Double($0) ?? 0)) } }
    }

    /// An account's place on a board now (O(log n)), for its own pages; nil when it is not on
    /// the board or Redis cannot say.
    func place(of userID: String, on kind: LeaderboardKind, now: Date = Date()) -> (place: Int, total: Int)? {
        guard let redis, !redis.isDown,
            case .array(let parts)? = try? redis.command(["EVAL", LeaderboardScripts.place, "1", LeaderboardKeys.board(kind, at: now), userID]),
            parts.count == 2, let place = parts[0].integer, let total = parts[1].integer
        else { return nil }
        return (place, total)
    }

    private static func score(_ reply: RedisReply) -> Int { Int(Double(reply.string ?? "0") ?? 0) }

    private static func pairs(_ reply: RedisReply) -> [(String, Int)] {
        guard case .array(let items) = reply else { return [] }
        return stride(from: 0, to: items.count - 1, by: 2).compactMap { i in items[i].string.map { ($0, score(items[i + 1])) } }
    }

    private static func entries(_ pairs: [(String, Int)], offset: Int, above: Int) -> [LeaderboardEntry] {
        let places = LeaderboardRanking.places(scores: pairs.map(\.1), offset: offset, above: above)
        return zip(pairs, places).map { LeaderboardEntry(userID: $0.0, score: $0.1, place: $1) }
    }

    // MARK: - Keeping the boards true

    /// The serve jobs' tick (every second, in every responder): streaks past their end leave the
    /// consistency board, and the boards are rebuilt when they were flushed or lost (no built
    /// mark), when a write of this process failed since the last rebuild, or every
    /// `fullRebuildInterval`. One process rebuilds at a time (`leaderboard:rebuilding`, SET NX).
    func maintain(now: Date = Date()) throws {
        guard let redis, !redis.isDown else { return }
        try redis.command([
            "EVAL", LeaderboardScripts.prune, "3", LeaderboardKeys.consistency, LeaderboardKeys.streakUntil, LeaderboardKeys.streakRead,
            String(Int(now.timeIntervalSince1970)),
        ])
        let builtMs = try redis.command(["GET", LeaderboardKeys.built]).string.flatMap { Int($0) }
        if let builtMs { clearFailure(coveredBy: Date(timeIntervalSince1970: Double(builtMs) / 1000)) }
        let stale = builtMs.map { now.timeIntervalSince1970 * 1000 - Double($0) > Self.fullRebuildInterval * 1000 } ?? true
        guard stale || lastFailure != nil else { return }
        if let summary = try LeaderboardRebuild(boards: self).run(now: now) {
            clearFailure(coveredBy: summary.readFrom)
            logger.info("leaderboards rebuilt", metadata: summary.metadata)
        }
    }

    private var lastFailure: Date? {
        lock.lock()
        defer { lock.unlock() }
        return failedAt
    }

    /// A rebuild that read PostgreSQL after the failure has repaired it.
    private func clearFailure(coveredBy readFrom: Date) {
        lock.lock()
        if let failed = failedAt, failed <= readFrom { failedAt = nil }
        lock.unlock()
    }

    /// Runs a write; a failure marks the boards for a rebuild and is logged at most every 30 s.
    private func attempt(_ step: String, _ body: () throws -> Void) {
        do { try body() } catch {
            lock.lock()
            failedAt = Date()
            let due = Date().timeIntervalSince(lastFailureLog) > 30
            if due { lastFailureLog = Date() }
            lock.unlock()
            if due { logger.warning("leaderboards behind, a rebuild will follow", metadata: ["step": "\(step)", "error": "\(error)"]) }
        }
    }
}
