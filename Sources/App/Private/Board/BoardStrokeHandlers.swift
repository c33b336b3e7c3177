import Domain
import Web

/// Drawing (with JavaScript: board.js posts each stroke as numbers in the `points` field) and
/// clearing the drawing (a plain form). Each carries the board version its page showed.
enum BoardStrokeHandlers {
    /// POST /me/board/:id/strokes (tool, colour, width, points "x y x y …", version)
    static let draw: Handler = { ctx in
        try BoardHandlers.refusing(ctx, form: "stroke", fields: ["tool", "colour", "width"]) {
            let request = try BoardRequest(ctx)
            let stroke = try BoardStroke(
                tool: try ctx.field("tool"), colour: try ctx.field("colour"), width: try ctx.field("width"), points: try ctx.field("points"))
            let shown = try BoardRequest.shownVersion(ctx)
            try BoardEdit.run(ctx.services.database, boardID: request.boardID, userID: request.user.id, shown: shown) { head, conn in
                let tally = try head.tally.addingStroke(stroke.points)
                try BoardStore.addStroke(boardID: request.boardID, userID: request.user.id, stroke, on: conn)
                return .init(change: stroke.tool == .eraser ? .erased : .drawn, tally: tally)
            }
            return .response(.redirect(to: "/me/board/\(request.boardID)#board"))
        }
    }

    /// POST /me/board/:id/strokes/clear (version): every stroke goes, the notes stay (undo brings them back).
    static let clear: Handler = { ctx in
        try BoardHandlers.refusing(ctx, form: "clear", fields: []) {
            let request = try BoardRequest(ctx)
            let shown = try BoardRequest.shownVersion(ctx)
            try BoardEdit.run(ctx.services.database, boardID: request.boardID, userID: request.user.id, shown: shown) { head, conn in
                try BoardStore.clearStrokes(boardID: request.boardID, userID: request.user.id, on: conn)
                return .init(change: .cleared, tally: head.tally.clearingStrokes)
            }
            return .response(.redirect(to: "/me/board/\(request.boardID)#board"))
        }
    }
}
