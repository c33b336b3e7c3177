import Domain
import Web

/// The whiteboard's pages and the boards themselves: the latest board (made on a first visit),
/// one board, a new board, renaming, deleting, and the SVG download. Every board is its owner's
/// alone: the store finds it by id and owner together, so anyone else gets 404.
enum BoardHandlers {
    /// GET /me/board: the most recently changed board. A first visit makes one ("My board"):
    /// a GET that writes, once per person, so the whiteboard is simply there.
    static let latest: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        return try render(ctx, user: user, boardID: try newestOrFirst(ctx, user))
    }

    /// GET /me/board/:id
    static let show: Handler = { ctx in
        let request = try BoardRequest(ctx)
        return try render(ctx, user: request.user, boardID: request.boardID)
    }

    /// GET /me/board/:id.svg: the board as an SVG file to keep, built from its numbers alone.
    static let svg: Handler = { ctx in
        let request = try BoardRequest(ctx)
        guard let shown = try BoardStore(database: ctx.services.database).shown(request.boardID, userID: request.user.id) else {
            throw BoardRefusal.notFound
        }
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + BoardSVG.render(shown.content, name: shown.head.name, for: .file)
        return .response(
            Response(
                headers: [
                    ("Content-Type", "image/svg+xml; charset=utf-8"),
                    ("Content-Disposition", "attachment; filename=\"board-\(shown.head.id).svg\""),
                ], body: Array(body.utf8)))
    }

    /// POST /me/board (name): a new empty board, up to `BoardLimits.boards`.
    static let create: Handler = { ctx in
        try refusing(ctx, form: "new-board", fields: ["name"]) {
            let user = try AccountFlow.signedInUser(ctx)
            let name = try BoardName(validating: try ctx.field("name"))
            let id = try ctx.services.database.transaction { conn in
                try BoardStore.lockOwner(user.id, on: conn)
                guard let id = try BoardStore.create(userID: user.id, name: name, on: conn) else {
                    throw BoardRefusal.full("You have \(BoardLimits.boards) boards, the limit: delete one to start another.")
                }
                try BoardStore.snapshot(id, userID: user.id, change: .created, restoredFrom: nil, on: conn)
                return id
            }
            return .response(.redirect(to: "/me/board/\(id)"))
        }
    }

    /// POST /me/board/:id/rename (name). A name is not part of the drawing: no version needed.
    static let rename: Handler = { ctx in
        try refusing(ctx, form: "rename", fields: ["name"]) {
            let request = try BoardRequest(ctx)
            let name = try BoardName(validating: try ctx.field("name"))
            let renamed = try ctx.services.database.transaction { conn in
                try BoardStore.rename(request.boardID, userID: request.user.id, to: name, on: conn)
            }
            guard renamed else { throw BoardRefusal.notFound }
            return .response(.redirect(to: "/me/board/\(request.boardID)"))
        }
    }

    /// POST /me/board/:id/delete (version, confirm=yes): the board with its notes, drawing and
    /// history. Refused when it changed since the page was loaded, so nothing unseen goes with it.
    static let delete: Handler = { ctx in
        try refusing(ctx, form: "delete", fields: []) {
            let request = try BoardRequest(ctx)
            let shown = try BoardRequest.shownVersion(ctx)
            guard try ctx.field("confirm") == "yes" else {
                throw BoardRefusal.invalid("Tick “Yes, delete this board” first: a deleted board cannot be restored.")
            }
            try ctx.services.database.transaction { conn in
                guard let head = try BoardStore.lock(request.boardID, userID: request.user.id, on: conn) else { throw BoardRefusal.notFound }
                guard head.version == shown else { throw BoardRefusal.stale(shown: shown, current: head.version) }
                try BoardStore.delete(request.boardID, userID: request.user.id, on: conn)
            }
            return .response(.redirect(to: "/me/board"))
        }
    }

    /// The person's newest board's id, making their first one if they have none.
    static func newestOrFirst(_ ctx: RequestContext, _ user: CurrentUser) throws -> Int {
        try ctx.services.database.transaction { conn in
            if let id = try BoardStore.newest(userID: user.id, on: conn) { return id }
            try BoardStore.lockOwner(user.id, on: conn)
            // Another tab may have made it while this one waited for the lock.
            if let id = try BoardStore.newest(userID: user.id, on: conn) { return id }
            guard let id = try BoardStore.create(userID: user.id, name: .first, on: conn) else { throw BoardRefusal.notFound }
            try BoardStore.snapshot(id, userID: user.id, change: .created, restoredFrom: nil, on: conn)
            return id
        }
    }

    /// The board page, with a refused form shown again when there is one.
    static func render(
        _ ctx: RequestContext, user: CurrentUser, boardID: Int, refused: BoardViews.Refused? = nil, status: HTTPStatus = .ok
    ) throws -> Outcome {
        let store = BoardStore(database: ctx.services.database)
        guard let shown = try store.shown(boardID, userID: user.id) else { throw BoardRefusal.notFound }
        var context = BoardViews.page(shown, boards: try store.list(userID: user.id), refused: refused)
        context["page_script"] = .text("board")
        return Views.page("me_board", title: shown.head.name, context, ctx: ctx, status: status)
    }

    /// Runs a board form's work; a refusal shows the board again with the message beside the
    /// form and what was typed in it (422), or the stale-version page (409). 404s pass through.
    static func refusing(_ ctx: RequestContext, form: String, fields: [String], _ body: () throws -> Outcome) throws -> Outcome {
        do {
            return try body()
        } catch let refusal as BoardRefusal {
            let user = try AccountFlow.signedInUser(ctx)
            switch refusal {
            case .notFound:
                throw refusal
            case .stale:
                let boardID = try BoardRequest.id(ctx.request.parameter("id"))
                let typed = (try? ctx.form().fields.map { ($0.name, $0.value) }) ?? []
                let context = BoardViews.conflict(boardID: boardID, message: refusal.message, fields: typed)
                return Views.page("me_board_conflict", title: "The board changed", context, ctx: ctx, status: ErrorMapping.status(refusal))
            case .invalid(let message), .full(let message):
                let boardID = ctx.request.parameter("id").isEmpty ? try newestOrFirst(ctx, user) : try BoardRequest.id(ctx.request.parameter("id"))
                var kept: [String: String] = [:]
                for name in fields { kept[name] = (try? ctx.field(name)) ?? "" }
                return try render(
                    ctx, user: user, boardID: boardID, refused: .init(form: form, message: message, fields: kept),
                    status: ErrorMapping.status(refusal))
            }
        }
    }
}
