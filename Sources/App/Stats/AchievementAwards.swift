import Domain
import Postgres

/// Awards achievements as credit is written. (Issue 11: being built.)
enum AchievementAwards {
    /// In the crediting transaction, after `credits` were written and the tallies folded.
    static func award(after credits: [FocusCredit], on conn: PostgresConnection) throws {}

    /// Catches one account up from its whole ledger (after a guest's credit was adopted).
    static func catchUp(userID: String, on conn: PostgresConnection) throws {}
}
