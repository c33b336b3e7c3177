import Domain
import Foundation
import Postgres

/// The focus ledger (`focus_credits`, append-only) and its projection (`user_stats`). Every
/// credit goes through `credit`, whatever its source: a room's focus segment or the personal
/// timer. A batch costs the same handful of statements for one person or a thousand.
enum FocusLedger {
    /// Focus to credit to one person: `seconds` that ended at the batch's end.
    struct Claim: Sendable {
        let userID: String?
        let sessionHash: [UInt8]
        let seconds: Int
        let completed: Bool
        let peoplePresent: Int
        let hosted: Bool
    }

    /// Zone for guests, who have no preference stored.
    static let guestZone = "UTC"

    /// Writes the claims (trimmed so that nothing is credited twice for the same moment, cut
    /// at each person's day boundary and stamped with their day) and folds them into each
    /// account's tally, on the caller's transaction. Returns what was written.
    static func credit(
        _ claims: [Claim], source: FocusCredit.Source, roomID: String?, endedAt end: Date, on conn: PostgresConnection
    ) throws -> [FocusCredit] {
        let claims = claims.filter { $0.seconds >= 1 }
        guard !claims.isEmpty else { return [] }
        let userIDs = Array(Set(claims.compactMap(\.userID))).sorted()
        var tallies = try lockTallies(userIDs, on: conn)
        let guestUntil = try guestsCreditedUntil(claims.filter { $0.userID == nil }.map(\.sessionHash), on: conn)
        var written: [FocusCredit] = []
        var boundaries: [String: DayBoundary] = [:]
        for claim in claims {
            // A stored zone the system no longer knows counts as UTC (and is stamped so).
            var zoneName = claim.userID.flatMap { tallies[$0]?.zone } ?? guestZone
            if boundaries[zoneName] == nil { boundaries[zoneName] = DayBoundary(zoneName: zoneName) }
            if boundaries[zoneName] == nil { zoneName = guestZone }
            let boundary = boundaries[zoneName] ?? DayBoundary(zoneName: guestZone)!
            let tally = claim.userID.flatMap { tallies[$0]?.tally }
            let until = claim.userID == nil ? guestUntil[claim.sessionHash] : tally?.creditedUntil
            let pieces = FocusStretch(end: end, seconds: claim.seconds).pieces(
                boundary: boundary, creditedUntil: until, notBefore: tally?.lastDay)
            for piece in pieces {
                let credit = FocusCredit(
                    userID: claim.userID, sessionHash: claim.userID == nil ? claim.sessionHash : nil, source: source,
                    roomID: roomID, start: piece.start, end: piece.end, seconds: piece.seconds, day: piece.day,
                    zone: zoneName, completed: claim.completed && piece.isLast,
                    peoplePresent: claim.peoplePresent, hosted: claim.hosted)
                written.append(credit)
                if let userID = claim.userID {
                    tallies[userID]?.tally.add(credit.asTallyCredit)
                }
            }
        }
        try insert(written, on: conn)
        try store(tallies.filter { id, _ in written.contains { $0.userID == id } }.mapValues(\.tally), on: conn)
        let moved = try AchievementAwards.award(after: written, on: conn)
        if !moved.isEmpty {
            // Once per person, on their last credit of the batch.
            var versions = Dictionary(moved.map { ($0.userID, $0.version) }, uniquingKeysWith: max)
            for i in written.indices.reversed() {
                if let id = written[i].userID, let version = versions.removeValue(forKey: id) { written[i].liveVersion = version }
            }
        }
        return written
    }

    /// Hands a guest session's credit to the account that just signed in on it (the same
    /// transaction moves its seats), then rebuilds that account's tally from its ledger.
    /// Returns whether anything moved.
    static func adopt(sessionHash: [UInt8], userID: String, on conn: PostgresConnection) throws -> Bool {
        let moved = try conn.query(
            "UPDATE focus_credits SET user_id = $2 WHERE user_id IS NULL AND session_hash = $1",
            [ByteA(sessionHash), userID])
        guard moved.affectedRows > 0 else { return false }
        try rebuild(userID: userID, on: conn)
        try AchievementAwards.catchUp(userID: userID, on: conn)
        return true
    }

    /// Recomputes one account's tally from its ledger rows, in order.
    static func rebuild(userID: String, on conn: PostgresConnection) throws {
        var tally = FocusTally()
        for row in try conn.query(
            """
            SELECT local_day::text, extract(epoch FROM ended_at)::float8, seconds, time_zone, completed
            FROM focus_credits WHERE user_id = $1 ORDER BY ended_at, id
            """, [userID])
        {
            tally.add(
                FocusTally.Credit(
                    day: LocalDate(iso: row.string(0))!, end: Date(timeIntervalSince1970: Double(row.string(1))!),
                    seconds: row.int(2), zone: row.string(3), completed: row.bool(4)))
        }
        try conn.query("INSERT INTO user_stats (user_id) VALUES ($1) ON CONFLICT DO NOTHING", [userID])
        try store([userID: tally], on: conn)
    }

    /// The accounts with credit, for a full rebuild.
    static func creditedUsers(after: String, limit: Int, on conn: PostgresConnection) throws -> [String] {
        try conn.query(
            "SELECT DISTINCT user_id FROM focus_credits WHERE user_id > $1 ORDER BY user_id LIMIT $2",
            [after, limit]
        ).map { $0.string(0) }
    }

    /// Each account's tally and zone, rows locked (created when missing) in id order, so two
    /// rooms crediting the same people at once wait for each other instead of both
    /// crediting the same moment.
    private static func lockTallies(_ userIDs: [String], on conn: PostgresConnection) throws -> [String: (tally: FocusTally, zone: String)] {
        guard !userIDs.isEmpty else { return [:] }
        let ids = "{" + userIDs.joined(separator: ",") + "}"
        try conn.query(
            "INSERT INTO user_stats (user_id) SELECT u FROM unnest($1::uuid[]) AS u ORDER BY u ON CONFLICT DO NOTHING", [ids])
        var result: [String: (FocusTally, String)] = [:]
        for row in try conn.query(
            """
            SELECT s.user_id, u.timezone, s.total_seconds, s.sessions, s.last_day::text,
                   extract(epoch FROM s.last_credit_at)::float8, s.last_zone, s.streak_current, s.streak_best,
                   s.freezes_banked, s.freezes_spent, s.best_day::text, s.best_day_seconds, s.day_seconds,
                   extract(epoch FROM s.credited_until)::float8
            FROM user_stats s JOIN users u ON u.id = s.user_id
            WHERE s.user_id = ANY($1::uuid[]) ORDER BY s.user_id FOR UPDATE OF s
            """, [ids])
        {
            var tally = FocusTally()
            tally.totalSeconds = row.int(2)
            tally.sessions = row.int(3)
            tally.lastDay = row[4].flatMap(LocalDate.init(iso:))
            tally.lastCreditAt = row[5].flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
            tally.lastZone = row[6]
            tally.streakCurrent = row.int(7)
            tally.streakBest = row.int(8)
            tally.freezesBanked = row.int(9)
            tally.freezesSpent = row.int(10)
            tally.bestDay = row[11].flatMap(LocalDate.init(iso:))
            tally.bestDaySeconds = row.int(12)
            tally.daySeconds = row.int(13)
            tally.creditedUntil = row[14].flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
            result[row.string(0)] = (tally, row.string(1))
        }
        return result
    }

    /// The end of each guest session's latest credit.
    private static func guestsCreditedUntil(_ hashes: [[UInt8]], on conn: PostgresConnection) throws -> [[UInt8]: Date] {
        guard !hashes.isEmpty else { return [:] }
        var result: [[UInt8]: Date] = [:]
        // One index probe per guest (focus_credits_guest_idx), however long the ledger grows.
        for row in try conn.query(
            """
            SELECT g.hash, extract(epoch FROM (
                       SELECT max(f.ended_at) FROM focus_credits f WHERE f.user_id IS NULL AND f.session_hash = g.hash))::float8
            FROM (SELECT decode(h, 'hex') AS hash FROM unnest($1::text[]) AS h) g
            """, ["{" + hashes.map(hex).joined(separator: ",") + "}"])
        {
            if let epoch = row[1].flatMap(Double.init) { result[row.bytes(0)] = Date(timeIntervalSince1970: epoch) }
        }
        return result
    }

    /// One INSERT for the whole batch.
    private static func insert(_ credits: [FocusCredit], on conn: PostgresConnection) throws {
        guard !credits.isEmpty else { return }
        // Every element quoted, so an empty one (a guest's user id) stays an element. None holds a quote or backslash.
        func array(_ values: [String]) -> String { "{" + values.map { "\"\($0)\"" }.joined(separator: ",") + "}" }
        try conn.query(
            """
            INSERT INTO focus_credits (user_id, session_hash, source, room_id, started_at, ended_at, seconds, local_day,
                                       time_zone, completed, people_present, hosted)
            SELECT nullif(u, '')::uuid, decode(nullif(h, ''), 'hex'), $3, $4::uuid, to_timestamp(s), to_timestamp(e), n, d::date,
                   z, c, p, o
            FROM unnest($1::text[], $2::text[], $5::float8[], $6::float8[], $7::int[], $8::text[], $9::text[],
                        $10::bool[], $11::int[], $12::bool[]) AS t(u, h, s, e, n, d, z, c, p, o)
            """,
            [
                array(credits.map { $0.userID ?? "" }), array(credits.map { $0.sessionHash.map(hex) ?? "" }),
                credits.first!.source.rawValue, credits.first!.roomID,
                array(credits.map { String($0.start.timeIntervalSince1970) }),
                array(credits.map { String($0.end.timeIntervalSince1970) }), array(credits.map { String($0.seconds) }),
                array(credits.map(\.day.iso)), array(credits.map(\.zone)),
                array(credits.map { $0.completed ? "t" : "f" }), array(credits.map { String($0.peoplePresent) }),
                array(credits.map { $0.hosted ? "t" : "f" }),
            ])
    }

    /// Writes tallies back, one UPDATE for the batch.
    private static func store(_ tallies: [String: FocusTally], on conn: PostgresConnection) throws {
        guard !tallies.isEmpty else { return }
        let entries = tallies.sorted { $0.key < $1.key }
        func array(_ values: [String?]) -> String { "{" + values.map { $0.map { "\"\($0)\"" } ?? "NULL" }.joined(separator: ",") + "}" }
        func epoch(_ date: Date?) -> String? { date.map { String($0.timeIntervalSince1970) } }
        try conn.query(
            """
            UPDATE user_stats s SET total_seconds = t.total, sessions = t.sessions, last_day = t.last_day::date,
                   last_credit_at = to_timestamp(t.last_at), last_zone = t.last_zone, streak_current = t.streak,
                   streak_best = t.best, freezes_banked = t.banked, freezes_spent = t.spent,
                   streak_alive_until = to_timestamp(t.alive), best_day = t.best_day::date,
                   best_day_seconds = t.best_day_seconds, day_seconds = t.day_seconds,
                   credited_until = to_timestamp(t.until)
            FROM unnest($1::uuid[], $2::bigint[], $3::int[], $4::text[], $5::float8[], $6::text[], $7::int[], $8::int[],
                        $9::int[], $10::int[], $11::float8[], $12::text[], $13::bigint[], $14::bigint[], $15::float8[])
                 AS t(id, total, sessions, last_day, last_at, last_zone, streak, best, banked, spent, alive, best_day,
                      best_day_seconds, day_seconds, until)
            WHERE s.user_id = t.id
            """,
            [
                array(entries.map(\.key)), array(entries.map { String($0.value.totalSeconds) }),
                array(entries.map { String($0.value.sessions) }), array(entries.map { $0.value.lastDay?.iso }),
                array(entries.map { epoch($0.value.lastCreditAt) }), array(entries.map(\.value.lastZone)),
                array(entries.map { String($0.value.streakCurrent) }), array(entries.map { String($0.value.streakBest) }),
                array(entries.map { String($0.value.freezesBanked) }), array(entries.map { String($0.value.freezesSpent) }),
                array(entries.map { epoch($0.value.streakAliveUntil) }), array(entries.map { $0.value.bestDay?.iso }),
                array(entries.map { String($0.value.bestDaySeconds) }), array(entries.map { String($0.value.daySeconds) }),
                array(entries.map { epoch($0.value.creditedUntil) }),
            ])
    }

    private static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

extension FocusCredit {
    var asTallyCredit: FocusTally.Credit {
        FocusTally.Credit(day: day, end: end, seconds: seconds, zone: zone, completed: completed)
    }
}
