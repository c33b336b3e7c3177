import Domain
import Foundation
import Postgres

/// SQL for `vault_quotes` and the `users.vault_quotes_shown` preference. Every statement names
/// the owner: a quote that is someone else's reads, changes and deletes exactly like one that
/// does not exist.
struct VaultStore {
    let database: PostgresPool

    /// What the list shows: which quotes, how to narrow them.
    struct Filter: Sendable, Equatable {
        var tag: String?
        var favouritesOnly = false
        var search: VaultSearch?
        var page = 1
    }

    /// Locks the owner's row, so two adds (or imports) at once count the cap one after the other.
    static func lockOwner(_ userID: String, on conn: PostgresConnection) throws {
        try conn.query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", [userID])
    }

    /// Adds `draft` for `userID` and returns its id; throws `full` at the cap (counted after
    /// `lockOwner`, which this takes first).
    static func add(_ draft: QuoteDraft, userID: String, on conn: PostgresConnection) throws -> Int {
        try lockOwner(userID, on: conn)
        guard
            let row = try conn.query(
                """
                INSERT INTO vault_quotes (user_id, body, source, tags)
                SELECT $1, $2, $3, CASE WHEN $4 = '' THEN '{}'::text[] ELSE string_to_array($4, ',') END
                WHERE (SELECT count(*) FROM vault_quotes WHERE user_id = $1) < $5
                RETURNING id
                """, [userID, draft.body, draft.source, draft.tags.values.joined(separator: ","), VaultLimits.quotesPerAccount]
            ).first
        else { throw VaultRefusal.full(VaultLimits.quotesPerAccount) }
        return row.int(0)
    }

    /// What an import did: how many were added and how many were already there (same text).
    struct Imported: Sendable {
        let added: Int
        let alreadyThere: Int
    }

    /// Adds every draft whose text the owner does not hold yet, in order, all or none: throws
    /// `full` when they would pass the cap (counted after `lockOwner`, which this takes first).
    static func importAll(_ drafts: [QuoteDraft], userID: String, on conn: PostgresConnection) throws -> Imported {
        try lockOwner(userID, on: conn)
        let rows: [[String: Any]] = drafts.enumerated().map { i, d in
            ["ord": i, "body": d.body, "source": d.source, "tags": d.tags.values]
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: rows), as: UTF8.self)
        let row = try conn.query(
            """
            WITH incoming AS (
                SELECT DISTINCT ON (t.body) t.ord, t.body, t.source, t.tags
                FROM jsonb_to_recordset($2::jsonb) AS t(ord int, body text, source text, tags text[])
                ORDER BY t.body, t.ord),
            fresh AS (
                SELECT i.* FROM incoming i
                WHERE NOT EXISTS (SELECT 1 FROM vault_quotes q WHERE q.user_id = $1 AND q.body = i.body)),
            fits AS (
                SELECT (SELECT count(*) FROM vault_quotes WHERE user_id = $1) + (SELECT count(*) FROM fresh) <= $3 AS ok),
            added AS (
                INSERT INTO vault_quotes (user_id, body, source, tags)
                SELECT $1, f.body, f.source, f.tags FROM fresh f, fits WHERE fits.ok ORDER BY f.ord
                RETURNING 1)
            SELECT (SELECT ok FROM fits), (SELECT count(*) FROM added), $4::int - (SELECT count(*) FROM fresh)
            """, [userID, json, VaultLimits.quotesPerAccount, drafts.count]
        ).first!
        guard row.bool(0) else { throw VaultRefusal.full(VaultLimits.quotesPerAccount) }
        return Imported(added: row.int(1), alreadyThere: row.int(2))
    }

    /// Replaces the text, source and tags of quote `id` if it is `userID`'s and still at
    /// `version`: throws `noSuchQuote` or `stale` otherwise, changing nothing.
    static func update(_ id: Int, userID: String, version: Int, _ draft: QuoteDraft, on conn: PostgresConnection) throws {
        let row = try conn.query(
            """
            WITH current AS (SELECT id, version FROM vault_quotes WHERE id = $1 AND user_id = $2 FOR UPDATE),
            changed AS (
                UPDATE vault_quotes q SET body = $4, source = $5,
                       tags = CASE WHEN $6 = '' THEN '{}'::text[] ELSE string_to_array($6, ',') END,
                       version = q.version + 1, updated_at = now()
                FROM current c WHERE q.id = c.id AND q.user_id = $2 AND c.version = $3
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM current), EXISTS (SELECT 1 FROM changed)
            """, [id, userID, version, draft.body, draft.source, draft.tags.values.joined(separator: ",")]
        ).first!
        guard row.bool(0) else { throw VaultRefusal.noSuchQuote }
        guard row.bool(1) else { throw VaultRefusal.stale }
    }

    /// Deletes quote `id` of `userID`; false when it is not theirs (or does not exist).
    func delete(_ id: Int, userID: String) throws -> Bool {
        try database.query("DELETE FROM vault_quotes WHERE id = $1 AND user_id = $2", [id, userID]).affectedRows == 1
    }

    /// Marks or unmarks quote `id` of `userID` as a favourite (the text's version stays: a star
    /// in one tab does not make an edit in another stale); false when it is not theirs.
    func setFavourite(_ id: Int, userID: String, _ favourite: Bool) throws -> Bool {
        try database.query("UPDATE vault_quotes SET favourite = $3 WHERE id = $1 AND user_id = $2", [id, userID, favourite])
            .affectedRows == 1
    }

    /// Quote `id` if it is `userID`'s.
    func find(_ id: Int, userID: String) throws -> VaultQuote? {
        try database.query(
            """
            SELECT id, body, source, array_to_string(tags, ','), favourite, version
            FROM vault_quotes WHERE id = $1 AND user_id = $2
            """, [id, userID]
        ).first.map(Self.quote)
    }

    /// One page of the owner's quotes that pass `filter`, newest first, with how many pass it in
    /// all. The search is ILIKE on the owner's rows only (at most the cap), see `VaultSearch`.
    func list(userID: String, _ filter: Filter) throws -> (quotes: [VaultQuote], total: Int) {
        let rows = try database.query(
            """
            SELECT id, body, source, array_to_string(tags, ','), favourite, version, count(*) OVER ()
            FROM vault_quotes
            WHERE user_id = $1 AND ($2 = '' OR $2 = ANY (tags)) AND (NOT $3 OR favourite)
              AND ($4 = '' OR body ILIKE $4 OR source ILIKE $4)
            ORDER BY id DESC LIMIT $5 OFFSET $6
            """,
            [
                userID, filter.tag ?? "", filter.favouritesOnly, filter.search?.likePattern ?? "", VaultLimits.pageSize,
                (filter.page - 1) * VaultLimits.pageSize,
            ])
        return (rows.map(Self.quote), rows.first?.int(6) ?? 0)
    }

    /// The owner's tags with how many quotes carry each, by name.
    func tags(userID: String) throws -> [(tag: String, count: Int)] {
        try database.query(
            "SELECT t, count(*) FROM vault_quotes, unnest(tags) AS t WHERE user_id = $1 GROUP BY t ORDER BY t LIMIT 500", [userID]
        ).map { ($0.string(0), $0.int(1)) }
    }

    /// Every quote of the owner, oldest first (the Markdown export).
    func all(userID: String) throws -> [VaultQuote] {
        try database.query(
            """
            SELECT id, body, source, array_to_string(tags, ','), favourite, version
            FROM vault_quotes WHERE user_id = $1 ORDER BY id
            """, [userID]
        ).map(Self.quote)
    }

    /// How many quotes the owner keeps and whether they want one shown on /me and in breaks.
    func summary(userID: String) throws -> (count: Int, shown: Bool) {
        let row = try database.query(
            "SELECT (SELECT count(*) FROM vault_quotes WHERE user_id = $1), vault_quotes_shown FROM users WHERE id = $1", [userID]
        ).first
        return (row?.int(0) ?? 0, row?.bool(1) ?? true)
    }

    /// Sets the "show me a quote" preference.
    func setShown(userID: String, _ shown: Bool) throws {
        try database.query("UPDATE users SET vault_quotes_shown = $2 WHERE id = $1", [userID, shown])
    }

    /// A draw for /me, a break or the random page: whether the owner wants quotes shown, how many
    /// they keep, and a random one of them, a favourite `VaultLimits.favouriteWeight` times as
    /// likely as any other (none when they keep none, or, `respectingPreference`, turned quotes
    /// off). One draw r in [0, weight·favourites + others) picks the group and the rank within it;
    /// the counts and the rank-th id are read from the owner's slice of (user_id, favourite, id),
    /// at most the cap, never the table, and only the chosen row is fetched.
    func draw(userID: String, respectingPreference: Bool) throws -> (quote: VaultQuote?, shown: Bool, count: Int) {
        guard
            let row = try database.query(
                """
                WITH owner AS (SELECT vault_quotes_shown AS shown FROM users WHERE id = $1),
                counts AS (
                    SELECT count(*) FILTER (WHERE favourite) AS favs, count(*) FILTER (WHERE NOT favourite) AS others
                    FROM vault_quotes WHERE user_id = $1),
                draw AS (
                    SELECT random() * ($2 * favs + others) AS r, favs FROM counts, owner
                    WHERE favs + others > 0 AND (owner.shown OR NOT $3)),
                pick AS (
                    SELECT r < $2 * favs AS fav,
                           (CASE WHEN r < $2 * favs THEN floor(r / $2) ELSE floor(r - $2 * favs) END)::bigint AS rank
                    FROM draw),
                chosen AS (
                    SELECT (SELECT q.id FROM vault_quotes q WHERE q.user_id = $1 AND q.favourite = pick.fav
                            ORDER BY q.id OFFSET pick.rank LIMIT 1) AS id
                    FROM pick)
                SELECT owner.shown, counts.favs + counts.others,
                       q.id, q.body, q.source, array_to_string(q.tags, ','), q.favourite, q.version
                FROM owner CROSS JOIN counts
                LEFT JOIN chosen ON true
                LEFT JOIN vault_quotes q ON q.id = chosen.id AND q.user_id = $1
                """, [userID, VaultLimits.favouriteWeight, respectingPreference]
            ).first
        else { return (nil, true, 0) }
        let quote =
            row[2] == nil
            ? nil : VaultQuote((row.int(2), row.string(3), row.string(4), row.string(5), row.bool(6), row.int(7)))
        return (quote, row.bool(0), row.int(1))
    }

    /// A row of the reads above, which select id, body, source, the tags joined by commas,
    /// favourite and version, in that order.
    private static func quote(_ row: PostgresRow) -> VaultQuote {
        VaultQuote((row.int(0), row.string(1), row.string(2), row.string(3), row.bool(4), row.int(5)))
    }
}
