import Domain
import Web

/// Room pages and actions: create, find by code, show, join, long-poll, JSON state.
enum RoomHandlers {
    /// POST /rooms: create a room hosted by this session.
    static let create: Handler = { ctx in
        let rawName = try ctx.field("display_name")
        let name: DisplayName
        do throws(DisplayName.Problem) { name = try DisplayName(validating: rawName) } catch {
            return HomeHandlers.homePage(ctx, createError: error.description, nameInput: rawName, status: .unprocessableEntity)
        }
        let room = try RoomStore(database: ctx.services.database)
            .create(host: ctx.session, hostName: name, lifetimeHours: ctx.services.config.roomLifetimeHours)
        ctx.services.logger.info("room created", metadata: ["room": "\(room.code.display)"])
        return .response(.redirect(to: "/r/\(room.code.display)"))
    }

    /// GET /join?code=…: the home page's join form, answered with a redirect to the room.
    static let findByCode: Handler = { ctx in
        let raw = try ctx.request.query.value("code") ?? ""
        guard let code = RoomCode(parsing: raw), try RoomStore(database: ctx.services.database).find(code) != nil else {
            return HomeHandlers.homePage(ctx, joinError: "There is no open room with the code “\(raw)”. Check it and try again.",
                                         codeInput: raw, status: .notFound)
        }
        return .response(.redirect(to: "/r/\(code.display)"))
    }

    /// GET /r/:code
    static let show: Handler = { ctx in
        let code = try parseCode(ctx)
        if ctx.request.parameter("code") != code.display {
            return .response(.redirect(to: "/r/\(code.display)", status: .movedPermanently))
        }
        return roomPage(ctx, view: try present(ctx, code))
    }

    /// POST /r/:code/join
    static let join: Handler = { ctx in
        let code = try parseCode(ctx)
        guard let room = try RoomStore(database: ctx.services.database).find(code) else { throw notFound }
        let rawName = try ctx.field("display_name")
        let name: DisplayName
        do throws(DisplayName.Problem) { name = try DisplayName(validating: rawName) } catch {
            return roomPage(ctx, view: try present(ctx, code), joinError: error.description, nameInput: rawName,
                            status: .unprocessableEntity)
        }
        let version = try RoomStore(database: ctx.services.database).join(room: room, session: ctx.session, name: name)
        ctx.services.hub.notify(channel: room.channel, version: version)
        return .response(.redirect(to: "/r/\(code.display)"))
    }

    /// GET /r/:code/poll?since=N: answers when the room's version differs from N, else parks
    /// until it moves (or 204 after the hold).
    static let poll: Handler = { ctx in
        let sinceText = try ctx.request.query.value("since") ?? ""
        // At most 15 digits: well inside both Int64 and JavaScript's exact integers.
        guard !sinceText.isEmpty, sinceText.count <= 15, sinceText.allSatisfy({ $0.isASCII && $0.isNumber }), let since = Int(sinceText) else {
            throw ClientError.badRequest("since must be the last version you saw: a non-negative whole number.")
        }
        let view = try present(ctx, try parseCode(ctx))
        // A version from the future (a restored database, a hand-made URL) would never be
        // reached: answer with the current state so the client starts over from it.
        if view.room.version != since {
            return .response(.json(RoomViews.pollBody(view, services: ctx.services)))
        }
        return .park(channel: view.room.channel, since: since)
    }

    /// GET /r/:code/state.json
    static let state: Handler = { ctx in
        guard let snapshot = try RoomReader(services: ctx.services).snapshot(try parseCode(ctx), viewer: nil) else { throw notFound }
        return .response(.json(RoomViews.stateJSON(snapshot.view(for: nil))))
    }

    /// The long-poll snapshot for channel "room:<id>".
    static func snapshot(services: Services) -> LiveHub.SnapshotSource {
        { channel in
            guard let snapshot = try RoomReader(services: services).snapshot(id: String(channel.dropFirst("room:".count))) else {
                return nil
            }
            return LiveSnapshot(version: snapshot.room.version, body: RoomViews.pollBody(snapshot.view(for: nil), services: services))
        }
    }

    static let notFound = ClientError.notFound("There is no open room with this code. Rooms close 72 hours after they are created.")

    static func parseCode(_ ctx: RequestContext) throws -> RoomCode {
        guard let code = RoomCode(parsing: ctx.request.parameter("code")) else { throw notFound }
        return code
    }

    /// Loads the room for this viewer and records their presence. A viewer coming back from
    /// away changes what everyone sees, so that is announced to the room.
    static func present(_ ctx: RequestContext, _ code: RoomCode) throws -> RoomView {
        let reader = RoomReader(services: ctx.services)
        guard let snapshot = try reader.snapshot(code, viewer: ctx.session) else { throw notFound }
        let view = snapshot.view(for: ctx.session)
        guard let viewer = view.viewer, viewer.idleSeconds >= RoomStore.touchInterval else { return view }
        guard let version = try reader.store.touch(room: view.room, session: ctx.session) else {
            ctx.services.roomCache.markSeen(code, session: ctx.session)
            return snapshot.seen(ctx.session).view(for: ctx.session)
        }
        ctx.services.hub.notify(channel: view.room.channel, version: version)
        return try reader.snapshot(id: view.room.id)?.view(for: ctx.session) ?? view
    }

    static func roomPage(_ ctx: RequestContext, view: RoomView, joinError: String? = nil, nameInput: String = "",
                         status: HTTPStatus = .ok) -> Outcome {
        let room = view.room
        var context: TemplateContext = [
            "code": .text(room.code.display),
            "version": .text(String(room.version)),
            "theme": .text(room.theme),
            "participants": RoomViews.participants(view.participants),
            "participant_count": .text(RoomViews.countText(view.participants)),
            "name_input": .text(nameInput),
            "share_url": .text("\(ctx.services.config.baseURL)/r/\(room.code.display)"),
        ]
        if let me = view.viewer { context["me"] = .object(["name": .text(me.name), "is_host": .bool(me.role == "host")]) }
        if let joinError { context["join_error"] = .text(joinError) }
        return Views.page("room", title: "Room \(room.code.display)", context, ctx: ctx, status: status)
    }
}
