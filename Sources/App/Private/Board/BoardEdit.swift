import Domain
import Postgres

/// The one way a board's drawing changes: on the locked board, only when the page that sent the
/// form showed the board's current version; then the board moves to its next version, which is
/// kept for undo (the oldest beyond `BoardLimits.versionsKept` forgotten), all in one transaction.
enum BoardEdit {
    /// What a change did: its kind for the history, the tallies after it, and (for a restore)
    /// the version it went back to.
    struct Done {
        let change: BoardChange
        let tally: BoardTally
        var restoredFrom: Int? = nil
    }

    /// Runs `body` on board `boardID` of `userID` if it is at version `shown`; returns the new
    /// version. Throws `.notFound` (not theirs, or gone) and `.stale` before `body` runs.
    @discardableResult
    static func run(
        _ database: PostgresPool, boardID: Int, userID: String, shown: Int,
        _ body: (BoardStore.Head, PostgresConnection) throws -> Done
    ) throws -> Int {
        try database.transaction { conn in
            guard let head = try BoardStore.lock(boardID, userID: userID, on: conn) else { throw BoardRefusal.notFound }
            guard head.version == shown else { throw BoardRefusal.stale(shown: shown, current: head.version) }
            let done = try body(head, conn)
            let version = try BoardStore.bump(boardID, userID: userID, tally: done.tally, on: conn)
            try BoardStore.snapshot(boardID, userID: userID, change: done.change, restoredFrom: done.restoredFrom, on: conn)
            try BoardStore.prune(boardID, userID: userID, on: conn)
            return version
        }
    }
}
