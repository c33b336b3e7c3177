import Domain
import Postgres
import Web

/// Sticky notes: add, edit (text, colour, position: the form board.js posts when a note is
/// dragged), move one grid step with the arrow buttons, delete. Each form carries the board
/// version its page showed (`BoardEdit`).
enum BoardNoteHandlers {
    static let noteFields = ["text", "colour", "x", "y"]

    /// POST /me/board/:id/notes (text, colour, x, y — both empty: placed automatically — version)
    static let add: Handler = { ctx in
        try BoardHandlers.refusing(ctx, form: "add", fields: noteFields) {
            let request = try BoardRequest(ctx)
            let text = try NoteText(validating: try ctx.field("text"))
            let colour = try Self.colour(ctx)
            let x = try ctx.field("x")
            let y = try ctx.field("y")
            let position = x.isEmpty && y.isEmpty ? nil : try NotePosition(x: x, y: y)
            let shown = try BoardRequest.shownVersion(ctx)
            var noteID = 0
            try BoardEdit.run(ctx.services.database, boardID: request.boardID, userID: request.user.id, shown: shown) { head, conn in
                let tally = try head.tally.addingNote(text.value)
                noteID = try BoardStore.addNote(
                    boardID: request.boardID, userID: request.user.id, text: text, colour: colour,
                    at: position ?? .cascade(head.tally.notes), on: conn)
                return .init(change: .noteAdded, tally: tally)
            }
            return .response(.redirect(to: "/me/board/\(request.boardID)#note-\(noteID)"))
        }
    }

    /// POST /me/board/:id/notes/:note (text, colour, x, y, version)
    static let edit: Handler = { ctx in
        let noteID = try BoardRequest.id(ctx.request.parameter("note"))
        return try BoardHandlers.refusing(ctx, form: "note-\(noteID)", fields: noteFields) {
            let request = try BoardRequest(ctx)
            let text = try NoteText(validating: try ctx.field("text"))
            let colour = try Self.colour(ctx)
            let position = try NotePosition(x: try ctx.field("x"), y: try ctx.field("y"))
            let shown = try BoardRequest.shownVersion(ctx)
            try change(ctx, request, noteID: noteID, shown: shown) { note, head, conn in
                try BoardStore.updateNote(
                    noteID, boardID: request.boardID, userID: request.user.id, text: text.value, colour: colour, at: position, on: conn)
                return .init(
                    change: BoardChange.noteEdit(before: note, text: text.value, colour: colour),
                    tally: try head.tally.replacingNote(note.text, with: text.value))
            }
            return .response(.redirect(to: "/me/board/\(request.boardID)#note-\(noteID)"))
        }
    }

    /// POST /me/board/:id/notes/:note/move (direction: left, right, up or down; version)
    static let move: Handler = { ctx in
        let noteID = try BoardRequest.id(ctx.request.parameter("note"))
        return try BoardHandlers.refusing(ctx, form: "note-\(noteID)", fields: []) {
            let request = try BoardRequest(ctx)
            guard let move = NoteMove(rawValue: try ctx.field("direction")) else {
                throw BoardRefusal.invalid("Move the note left, right, up or down.")
            }
            let shown = try BoardRequest.shownVersion(ctx)
            try change(ctx, request, noteID: noteID, shown: shown) { note, head, conn in
                try BoardStore.updateNote(
                    noteID, boardID: request.boardID, userID: request.user.id, text: note.text, colour: note.colour,
                    at: move.applied(to: note.position), on: conn)
                return .init(change: .noteMoved, tally: head.tally)
            }
            return .response(.redirect(to: "/me/board/\(request.boardID)#note-\(noteID)"))
        }
    }

    /// POST /me/board/:id/notes/:note/delete (version)
    static let delete: Handler = { ctx in
        let noteID = try BoardRequest.id(ctx.request.parameter("note"))
        return try BoardHandlers.refusing(ctx, form: "note-\(noteID)", fields: []) {
            let request = try BoardRequest(ctx)
            let shown = try BoardRequest.shownVersion(ctx)
            try change(ctx, request, noteID: noteID, shown: shown) { note, head, conn in
                try BoardStore.deleteNote(noteID, boardID: request.boardID, userID: request.user.id, on: conn)
                return .init(change: .noteDeleted, tally: head.tally.removingNote(note.text))
            }
            return .response(.redirect(to: "/me/board/\(request.boardID)#notes"))
        }
    }

    /// A change to one note of the board, found on the locked board (404 when it is not there).
    static func change(
        _ ctx: RequestContext, _ request: BoardRequest, noteID: Int, shown: Int,
        _ body: (BoardNote, BoardStore.Head, PostgresConnection) throws -> BoardEdit.Done
    ) throws {
        try BoardEdit.run(ctx.services.database, boardID: request.boardID, userID: request.user.id, shown: shown) { head, conn in
            guard let note = try BoardStore.note(noteID, boardID: request.boardID, userID: request.user.id, on: conn) else {
                throw BoardRefusal.notFound
            }
            return try body(note, head, conn)
        }
    }

    static func colour(_ ctx: RequestContext) throws -> NoteColour {
        guard let colour = NoteColour(rawValue: try ctx.field("colour")) else {
            throw BoardRefusal.invalid("Choose one of the six note colours.")
        }
        return colour
    }
}
