import Domain
import Foundation
import Postgres
import Web

/// /admin/rooms: the live rooms (filtered by size, age and reports), a room's page (people,
/// queue, chat with shadow-hidden messages marked) and the admin's actions there: close the
/// room, remove a message, mute, unmute or remove someone. Each action takes the room's lock
/// (`RoomStore.change`), so everyone in it sees the change at once, and writes its audit line.
enum AdminRoomHandlers {
    static let pageSize = 100

    /// GET /admin/rooms?min_size=N&max_age_hours=H&reported=1&order=size|newest|reports&page=N
    static let list: Handler = { ctx in
        let reported = try AdminInput.query(ctx, "reported", limit: 1)
        guard reported.isEmpty || reported == "1" else { throw ModerationRefusal.invalid("reported is 1 or absent.") }
        let filter = AdminRoomDirectory.Filter(
            minSize: try AdminInput.number(ctx, "min_size", 0...1_000_000), maxAgeHours: try AdminInput.number(ctx, "max_age_hours", 1...10_000),
            reported: reported == "1", order: try AdminInput.choice(ctx, "order", AdminRoomDirectory.Order.self) ?? .size)
        let page = try RoomHandlers.pageNumber(ctx, "page")
        let rooms = try AdminRoomDirectory(database: ctx.services.database).list(filter, limit: pageSize + 1, offset: (page - 1) * pageSize)
        let now = Date().timeIntervalSince1970
        var context: TemplateContext = [
            "rooms": .list(
                rooms.prefix(pageSize).map {
                    [
                        "code": .text($0.code), "age": .text(AccountStanding.duration(now - $0.createdAt)), "status": .text($0.status.rawValue),
                        "size": .text(String($0.size)), "online": .text(String($0.online)), "reports": .text(String($0.reports)),
                        "host": .text($0.host),
                    ]
                }),
            "has_rooms": .bool(!rooms.isEmpty),
            "min_size_input": .text(filter.minSize.map(String.init) ?? ""), "max_age_input": .text(filter.maxAgeHours.map(String.init) ?? ""),
            "reported": .bool(filter.reported),
            "orders": .list(
                AdminRoomDirectory.Order.allCases.map { ["value": .text($0.rawValue), "selected": .bool($0 == filter.order)] }),
        ]
        if rooms.count > pageSize {
            var items: [(String, String)] = [("order", filter.order.rawValue), ("page", String(page + 1))]
            if let n = filter.minSize { items.append(("min_size", String(n))) }
            if let h = filter.maxAgeHours { items.append(("max_age_hours", String(h))) }
            if filter.reported { items.append(("reported", "1")) }
            context["next_href"] = .text("/admin/rooms" + AdminViews.queryString(items))
        }
        return try AdminViews.page("admin_rooms", title: "Rooms", context, ctx: ctx, section: .rooms)
    }

    /// GET /admin/rooms/:code
    static let show: Handler = { ctx in try page(ctx, try code(ctx)) }

    /// POST /admin/rooms/:code/close (reason: shown to everyone who opens the room)
    static let close: Handler = { ctx in
        try act(ctx) { conn, room, admin in
            try AdminRoomStore.close(room, by: admin, reason: try AdminInput.reason(ctx, required: true), on: conn)
        }
    }

    /// POST /admin/rooms/:code/messages/:id/remove (reason)
    static let removeMessage: Handler = { ctx in
        try act(ctx) { conn, room, admin in
            try AdminRoomStore.removeMessage(
                ctx.request.parameter("id"), room: room, by: admin, reason: try AdminInput.reason(ctx, required: false), on: conn)
        }
    }

    /// POST /admin/rooms/:code/participants/:id/(mute|unmute|remove) (reason)
    static func moderate(_ action: ModerationStore.Action) -> Handler {
        { ctx in
            try act(ctx) { conn, room, admin in
                try AdminRoomStore.moderate(
                    action, seat: ctx.request.parameter("id"), room: room, by: admin, reason: try AdminInput.reason(ctx, required: false),
                    on: conn)
            }
        }
    }

    static func code(_ ctx: RequestContext) throws -> RoomCode {
        guard let code = RoomCode(parsing: ctx.request.parameter("code")) else { throw ModerationRefusal.notFound }
        return code
    }

    /// Runs `body` on the locked room, announces the change, and goes back to the room's admin
    /// page (to the list once it is closed); a refusal shows the page with the reason.
    static func act(_ ctx: RequestContext, _ body: (PostgresConnection, LockedRoom, CurrentUser) throws -> Set<RoomPart>) throws -> Outcome {
        let admin = try AccountFlow.signedInUser(ctx)
        let code = try code(ctx)
        do {
            let change = try RoomStore(database: ctx.services.database).change(code, session: ctx.session) { conn, room in
                ((), try body(conn, room, admin))
            }
            change.announce(ctx.services)
        } catch RoomRefusal.noSuchRoom {
            throw ModerationRefusal.notFound
        } catch let refusal as ModerationRefusal where refusal != .notFound {
            AdminViews.logRefusal(ctx, refusal)
            return try page(ctx, code, error: refusal)
        }
        let open = try RoomStore(database: ctx.services.database).find(code) != nil
        return .response(.redirect(to: open ? "/admin/rooms/\(code.display)" : "/admin/rooms"))
    }

    static func page(_ ctx: RequestContext, _ code: RoomCode, error: ModerationRefusal? = nil) throws -> Outcome {
        guard let snapshot = try RoomStore(database: ctx.services.database).snapshot(code) else { throw ModerationRefusal.notFound }
        let names = Dictionary(snapshot.members.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var context: TemplateContext = [
            "code": .text(code.display), "status": .text(snapshot.room.status.rawValue), "size": .text(String(snapshot.members.count)),
            "people": .list(
                snapshot.members.prefix(500).map { m in
                    var row: TemplateContext = [
                        "id": .text(m.id), "name": .text(m.name), "host": .bool(m.role == .host), "muted": .bool(m.isMuted),
                        "dj": .bool(m.isDJ), "online": .bool(m.idleAtLoad < Double(RoomStore.onlineWindow)),
                    ]
                    if let user = m.userID { row["user_href"] = .text("/admin/users/\(user)") }
                    return row
                }),
            "more_people": .text(snapshot.members.count > 500 ? String(snapshot.members.count - 500) : ""),
            "segments": .list(
                snapshot.segments.map {
                    ["title": .text("\($0.position + 1). \($0.title)"), "current": .bool($0.position == snapshot.room.currentIndex)]
                }),
            "messages": .list(
                snapshot.messages.map { m in
                    [
                        "id": .text(String(m.id)), "author": .text(m.author), "text": .text(m.text), "at": .text(m.at),
                        "hidden": .bool(m.isShadowHidden), "seat_gone": .bool(m.participantID.map { names[$0] == nil } ?? true),
                    ]
                }),
            "reports": .list(
                try AdminRoomDirectory(database: ctx.services.database).openReports(roomID: snapshot.room.id).map {
                    [
                        "id": .text(String($0.id)), "subject": .text($0.subject.label), "author": .text($0.author),
                        "excerpt": .text(String($0.excerpt.prefix(120))),
                    ]
                }),
            "reason_input": .text(error == nil ? "" : String(((try? ctx.field("reason")) ?? "").prefix(ModerationReason.limit * 4))),
        ]
        if let error { context["error"] = .text(error.message) }
        return try AdminViews.page(
            "admin_room", title: "Room \(code.display)", context, ctx: ctx, section: .rooms, status: error.map(ErrorMapping.status) ?? .ok)
    }
}
