import Domain
import Foundation
import Postgres
import Redis

/// The leaderboards: Redis sorted sets fed by every credit, rebuildable from PostgreSQL.
/// (Issue 11: being built; `record` is called after each crediting transaction commits.)
final class Leaderboards: Sendable {
    let redis: RedisPool?
    let database: PostgresPool

    init(redis: RedisPool?, database: PostgresPool) {
        self.redis = redis
        self.database = database
    }

    /// Called after the transaction that wrote `credits` committed.
    func record(_ credits: [FocusCredit]) {}

    /// Called after an account's totals changed wholesale (a guest's credit adopted at sign-in).
    func refresh(userID: String) {}
}
