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
        let (code, room) = try lookup(ctx)
        if ctx.request.parameter("code") != code.display {
            return .response(.redirect(to: "/r/\(code.display)", status: .movedPermanently))
        }
        var current = room
        if let version = try? RoomStore(database: ctx.services.database).touch(room: room, session: ctx.session) {
            ctx.services.hub.notify(channel: room.channel, version: version)
            current = room.with(version: version)
        }
        return roomPage(ctx, room: current)
    }

    /// POST /r/:code/join
    static let join: Handler = { ctx in
        let (code, room) = try lookup(ctx)
        let rawName = try ctx.field("display_name")
        let name: DisplayName
        do throws(DisplayName.Problem) { name = try DisplayName(validating: rawName) } catch {
            return roomPage(ctx, room: room, joinError: error.description, nameInput: rawName, status: .unprocessableEntity)
        }
        let version = try RoomStore(database: ctx.services.database).join(room: room, session: ctx.session, name: name)
        ctx.services.hub.notify(channel: room.channel, version: version)
        return .response(.redirect(to: "/r/\(code.display)"))
    }

    /// GET /r/:code/poll?since=N: answers when the room moves past N, or 204 after the hold.
    static let poll: Handler = { ctx in
        let sinceText = try ctx.request.query.value("since") ?? ""
        // At most 15 digits: well inside both Int64 and JavaScript's exact integers.
        guard !sinceText.isEmpty, sinceText.count <= 15, sinceText.allSatisfy({ $0.isASCII && $0.isNumber }), let since = Int(sinceText) else {
            throw ClientError.badRequest("since must be the last version you saw: a non-negative whole number.")
        }
        let (_, room) = try lookup(ctx)
        let store = RoomStore(database: ctx.services.database)
        if let version = try? store.touch(room: room, session: ctx.session) {
            ctx.services.hub.notify(channel: room.channel, version: version)
            return .response(.json(RoomViews.pollBody(room: room.with(version: version),
                                                      participants: try store.participants(of: room.id), services: ctx.services)))
        }
        return .park(channel: room.channel, since: since, currentVersion: room.version)
    }

    /// GET /r/:code/state.json
    static let state: Handler = { ctx in
        let (_, room) = try lookup(ctx)
        let participants = try RoomStore(database: ctx.services.database).participants(of: room.id)
        return .response(.json(RoomViews.stateJSON(room: room, participants: participants)))
    }

    /// The long-poll snapshot for channel "room:<id>".
    static func snapshot(services: Services) -> LiveHub.SnapshotSource {
        { channel in
            let id = String(channel.dropFirst("room:".count))
            let store = RoomStore(database: services.database)
            guard let room = try store.find(id: id) else { return nil }
            return LiveSnapshot(version: room.version,
                                body: RoomViews.pollBody(room: room, participants: try store.participants(of: id), services: services))
        }
    }

    static func lookup(_ ctx: RequestContext) throws -> (RoomCode, Room) {
        let notFound = ClientError.notFound("There is no open room with this code. Rooms close 72 hours after they are created.")
        guard let code = RoomCode(parsing: ctx.request.parameter("code")) else { throw notFound }
        guard let room = try RoomStore(database: ctx.services.database).find(code) else { throw notFound }
        return (code, room)
    }

    static func roomPage(_ ctx: RequestContext, room: Room, joinError: String? = nil, nameInput: String = "",
                         status: HTTPStatus = .ok) -> Outcome {
        let participants: [Participant]
        do { participants = try RoomStore(database: ctx.services.database).participants(of: room.id) } catch {
            return .response(Responder.errorResponse(error, ctx: ctx, services: ctx.services))
        }
        let me = participants.first { $0.sessionHash == ctx.session.hash }
        var context: TemplateContext = [
            "code": .text(room.code.display),
            "version": .text(String(room.version)),
            "theme": .text(room.theme),
            "participants": RoomViews.participants(participants),
            "participant_count": .text(RoomViews.countText(total: participants.count, online: participants.filter(\.online).count)),
            "name_input": .text(nameInput),
            "share_url": .text("\(ctx.services.config.baseURL)/r/\(room.code.display)"),
        ]
        if let me { context["me"] = .object(["name": .text(me.name), "is_host": .bool(me.role == "host")]) }
        if let joinError { context["join_error"] = .text(joinError) }
        return Views.page("room", title: "Room \(room.code.display)", context, ctx: ctx, status: status)
    }
}
