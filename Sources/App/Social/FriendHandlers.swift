import Domain
import Foundation
import Web

/// `/friends` and friend requests: asking (from a profile, a room's people list or the friends
/// page), answering, cancelling and unfriending. Blocking is in `BlockHandlers`. The rules are
/// `FriendStore`'s (which throws `FriendRefusal`); a refused request shows the friends page with
/// the reason and what was typed, with the refusal's status (ErrorMapping).
enum FriendHandlers {
    /// Friends on a page, by username.
    static let pageSize = 50
    static let searchShown = 20
    /// Waiting requests shown each way (the page says how many more).
    static let pendingShown = 50
    static let blockedShown = 100

    /// GET /friends?q=PREFIX&after=USERNAME
    static let page: Handler = { ctx in
        try friendsPage(ctx, try AccountFlow.signedInUser(ctx))
    }

    /// The friends page; with `refusal` (or `problem`), the add form shows it and `typed`.
    static func friendsPage(
        _ ctx: RequestContext, _ me: CurrentUser, refusal: FriendRefusal? = nil, problem: String? = nil, typed: String = ""
    ) throws -> Outcome {
        let query = ctx.request.query
        let search = try prefix(query.values("q"), what: "Search for")
        let after = try prefix(query.values("after"), what: "Start the list after")
        let store = FriendStore(database: ctx.services.database)

        let overview = try store.overview(
            of: me.id, after: after?.key, limit: pageSize + 1, pendingLimit: pendingShown, blockedLimit: blockedShown)
        func ordered<T>(_ rows: [(Int, T)]) -> [T] { rows.sorted { $0.0 < $1.0 }.map(\.1) }
        var page = ordered(overview.friends)
        let hasMore = page.count > pageSize
        if hasMore { page.removeLast() }
        let presence = try FriendPresenceReader(database: ctx.services.database, redis: ctx.services.redis).presence(of: page.map(\.id))
        let friends: [TemplateContext] = page.map { friend in
            let now = presence[friend.id] ?? .offline
            var row: TemplateContext = [
                "username": .text(friend.username), "display_name": .text(friend.displayName), "presence": .text(now.name),
                "presence_words": .text(now.words),
            ]
            // Rooms are open by code: only friends are shown where to find each other.
            if let code = now.roomCode { row["room_code"] = .text(code) }
            return row
        }
        let count = overview.friendCount
        let incoming = (ordered(overview.incoming), overview.incomingTotal)
        let outgoing = (ordered(overview.outgoing), overview.outgoingTotal)
        let blocked = ordered(overview.blocked)
        func pending(_ list: ([FriendStore.Pending], Int)) -> TemplateContext {
            let (shown, total) = list
            return [
                "items": .list(
                    shown.map {
                        ["id": .text(String($0.id)), "username": .text($0.other.username), "display_name": .text($0.other.displayName)]
                    }), "total": .text(String(total)), "any": .bool(total > 0),
                "more": .bool(total > shown.count), "more_count": .text(String(total - shown.count)),
            ]
        }
        var context: TemplateContext = [
            "friends": .list(friends), "has_friends": .bool(!friends.isEmpty), "friend_count": .text(String(count)),
            "friends_word": .text(count == 1 ? "friend" : "friends"),
            "incoming": .object(pending(incoming)), "outgoing": .object(pending(outgoing)),
            "blocked": .list(blocked.map { ["username": .text($0.username), "display_name": .text($0.displayName)] }),
            "has_blocked": .bool(!blocked.isEmpty),
            "add_input": .text(String(typed.prefix(200))), "q_input": .text(search?.value ?? ""),
        ]
        if hasMore, let last = page.last { context["next_href"] = .text("/friends?after=" + last.username) }
        if after != nil { context["first_href"] = .text("/friends") }
        context["paged"] = .bool(hasMore || after != nil)
        if let search {
            let results = try store.search(search.likePattern, for: me.id, limit: searchShown)
            context["searched"] = .object([
                "q": .text(search.value), "any": .bool(!results.isEmpty),
                "results": .list(results.map { person, relation in relationContext(person.username, person.displayName, relation) }),
            ])
        }
        var status = HTTPStatus.ok
        var headers: [(String, String)] = []
        if let refusal {
            context["error"] = .text(refusal.message)
            status = ErrorMapping.status(refusal)
            headers = ErrorMapping.headers(refusal)
        } else if let problem {
            context["error"] = .text(problem)
            status = .unprocessableEntity
        }
        var response = Views.page("friends", title: "Friends", context, for: ctx, services: ctx.services, status: status)
        for (name, value) in headers { response.addHeader(name, value) }
        return .response(response)
    }

    /// The buttons for a person as `relation` says (search results and profiles).
    static func relationContext(_ username: String, _ displayName: String, _ relation: FriendRelation) -> TemplateContext {
        var context: TemplateContext = ["username": .text(username), "display_name": .text(displayName)]
        switch relation {
        case .none: context["can_request"] = .bool(true)
        case .requestSent(let id): context["sent_id"] = .text(String(id))
        case .requestReceived(let id): context["received_id"] = .text(String(id))
        case .friends: context["is_friend"] = .bool(true)
        case .youBlocked: context["you_blocked"] = .bool(true)
        case .blockedYou: break
        }
        return context
    }

    /// A username prefix from the query (`?q=`, `?after=`): nil when absent or empty; a 400 that
    /// says what was wrong otherwise.
    static func prefix(_ values: [String], what: String) throws -> UsernamePrefix? {
        guard values.count <= 1 else { throw ClientError.badRequest("\(what) one name, not several.") }
        guard let raw = values.first, !raw.isEmpty else { return nil }
        do throws(UsernamePrefix.Problem) { return try UsernamePrefix(validating: raw) } catch {
            throw ClientError.badRequest("\(what) the start of a username: “\(raw.prefix(40))” cannot be one, \(error.description)")
        }
    }

    // MARK: - Requests

    /// POST /friends/requests: `username` (a profile, the friends page) or `room` and
    /// `participant` (a room's people list: a seat of someone signed in, in a room the asker
    /// also has a seat in); `back` = profile | room says where to go after.
    static let request: Handler = { ctx in
        try ctx.limit(ctx.services.config.rateLimits.friendActions)
        let me = try AccountFlow.signedInUser(ctx)
        let form = try ctx.form()
        let store = FriendStore(database: ctx.services.database)
        let typed = try form.value("username") ?? ""
        let seat = try form.value("participant")
        let roomText = try form.value("room")
        let back = try form.value("back")
        do {
            let target: FriendStore.Person
            var roomCode: RoomCode? = nil
            if let seat {
                guard let code = roomText.flatMap(RoomCode.init(parsing:)) else { throw FriendRefusal.noSharedRoom }
                roomCode = code
                target = try store.roomPerson(code: code.value, participantID: seat, viewerID: me.id)
            } else {
                let name = typed.trimmingCharacters(in: .whitespaces)
                if name.isEmpty { return try friendsPage(ctx, me, problem: "Type the username of the person you want to add.", typed: typed) }
                do throws(UsernamePrefix.Problem) { _ = try UsernamePrefix(validating: name) } catch {
                    return try friendsPage(ctx, me, problem: "“\(name.prefix(40))” is not a username: \(error.description)", typed: typed)
                }
                guard let found = try store.person(username: name) else { throw FriendRefusal.noSuchPerson }
                target = found
            }
            let (_, announcements) = try store.request(from: me.id, to: target)
            ctx.announceAfterCommit(announcements)
            if back == "room", let roomCode { return .response(.redirect(to: "/r/\(roomCode.display)")) }
            return .response(.redirect(to: back == "profile" ? "/u/\(target.username)" : "/friends"))
        } catch let refusal as FriendRefusal {
            return try friendsPage(ctx, me, refusal: refusal, typed: typed)
        }
    }

    /// POST /friends/requests/:id/accept
    static let accept: Handler = { ctx in
        try decide(ctx) { store, id, me in try store.accept(id, by: me) }
    }

    /// POST /friends/requests/:id/decline
    static let decline: Handler = { ctx in
        try decide(ctx) { store, id, me in try store.decline(id, by: me) }
    }

    /// POST /friends/requests/:id/cancel
    static let cancel: Handler = { ctx in
        try decide(ctx) { store, id, me in try store.cancel(id, by: me) }
    }

    /// Answers or cancels request `:id`: only the side it belongs to may; for anyone else, and
    /// for an id that is not a number, it does not exist (404).
    static func decide(
        _ ctx: RequestContext, _ change: (FriendStore, Int, String) throws -> (FriendStore.Person, FriendStore.Announcements)
    ) throws -> Outcome {
        try ctx.limit(ctx.services.config.rateLimits.friendActions)
        let me = try AccountFlow.signedInUser(ctx)
        guard let id = requestID(ctx.request.parameter("id")) else { throw FriendRefusal.noSuchRequest }
        let back = try ctx.form().value("back")
        let (other, announcements) = try change(FriendStore(database: ctx.services.database), id, me.id)
        ctx.announceAfterCommit(announcements)
        return .response(.redirect(to: back == "profile" ? "/u/\(other.username)" : "/friends"))
    }

    /// A request id as the path carries it: plain digits of a positive bigint.
    static func requestID(_ text: String) -> Int? {
        guard !text.isEmpty, text.count <= 19, text.utf8.allSatisfy({ (48...57).contains($0) }), let id = Int(text), id > 0 else { return nil }
        return id
    }

    /// POST /friends/unfriend (`username`)
    static let unfriend: Handler = { ctx in
        try ctx.limit(ctx.services.config.rateLimits.friendActions)
        let me = try AccountFlow.signedInUser(ctx)
        let other = try named(ctx)
        ctx.announceAfterCommit(try FriendStore(database: ctx.services.database).unfriend(me.id, other.id))
        return .response(.redirect(to: try ctx.form().value("back") == "profile" ? "/u/\(other.username)" : "/friends"))
    }

    /// The proven account the form's `username` names; 404 when none could be.
    static func named(_ ctx: RequestContext) throws -> FriendStore.Person {
        let name = try ctx.form().value("username") ?? ""
        guard (try? UsernamePrefix(validating: name)) != nil, let person = try FriendStore(database: ctx.services.database).person(username: name)
        else { throw FriendRefusal.noSuchPerson }
        return person
    }
}
