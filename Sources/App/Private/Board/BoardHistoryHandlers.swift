import Domain
import Web

/// Undo: the board's last `BoardLimits.versionsKept` versions, and restoring one (which is
/// itself a new version, so a restore can be undone too).
enum BoardHistoryHandlers {
    /// GET /me/board/:id/history
    static let list: Handler = { ctx in
        let request = try BoardRequest(ctx)
        let store = BoardStore(database: ctx.services.database)
        guard let head = try store.head(request.boardID, userID: request.user.id) else { throw BoardRefusal.notFound }
        let context = BoardViews.history(head, try store.versions(request.boardID, userID: request.user.id), timezone: request.user.timezone)
        return Views.page("me_board_history", title: "History of \(head.name)", context, ctx: ctx)
    }

    /// POST /me/board/:id/history/:kept/restore (version: the one the history page showed)
    static let restore: Handler = { ctx in
        try BoardHandlers.refusing(ctx, form: "restore", fields: []) {
            let request = try BoardRequest(ctx)
            let kept = try BoardRequest.id(ctx.request.parameter("kept"))
            let shown = try BoardRequest.shownVersion(ctx)
            let userID = request.user.id
            let boardID = request.boardID
            try BoardEdit.run(ctx.services.database, boardID: boardID, userID: userID, shown: shown) { _, conn in
                guard let tally = try BoardStore.keptTally(boardID, userID: userID, version: kept, on: conn) else { throw BoardRefusal.notFound }
                try BoardStore.deleteNotes(boardID: boardID, userID: userID, on: conn)
                try BoardStore.clearStrokes(boardID: boardID, userID: userID, on: conn)
                try BoardStore.restoreNotes(boardID: boardID, userID: userID, version: kept, on: conn)
                try BoardStore.restoreStrokes(boardID: boardID, userID: userID, version: kept, on: conn)
                return .init(change: .restored, tally: tally, restoredFrom: kept)
            }
            return .response(.redirect(to: "/me/board/\(boardID)#board"))
        }
    }
}
