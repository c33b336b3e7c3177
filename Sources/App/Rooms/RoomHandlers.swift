import Domain
import Foundation
import Web

/// Room pages: create, find by code, show, join, leave, long-poll, JSON state, moderation page.
enum RoomHandlers {
    /// POST /rooms: create a room hosted by this session, with a theme and a starting queue.
    static let create: Handler = { ctx in
        let rawName = try ctx.field("display_name")
        let rawTheme = try ctx.field("theme")
        let preset = try ctx.field("preset")
        func refuse(_ message: String) -> Outcome {
            HomeHandlers.homePage(ctx, createError: message, nameInput: rawName, status: .unprocessableEntity)
        }
        let name: DisplayName
        do throws(DisplayName.Problem) { name = try DisplayName(validating: rawName) } catch { return refuse(error.description) }
        let theme: Theme
        do throws(RoomRuleProblem) { theme = rawTheme.isEmpty ? .midnightBloom : try Theme(validating: rawTheme) } catch {
            return refuse(error.description)
        }
        let queue: [SegmentSpec]
        switch preset {
        case "", "classic": queue = SegmentSpec.classic
        case "empty": queue = []
        default: return refuse("Choose how the room starts: the classic queue or an empty one.")
        }
        try ctx.limit(ctx.services.config.rateLimits.roomCreations)
        let code = try RoomStore(database: ctx.services.database)
            .create(host: ctx.session, hostName: name, theme: theme, queue: queue, lifetimeHours: ctx.services.config.roomLifetimeHours)
        ctx.services.logger.info("room created", metadata: ["room": "\(code.display)"])
        // Loading the new room once tells the host's friends where they are (presence follows
        // room loads), whether or not the browser follows the redirect.
        if ctx.userForChrome != nil { _ = try? RoomReader(services: ctx.services).snapshot(code) }
        return .response(.redirect(to: "/r/\(code.display)"))
    }

    /// GET /join?code=…: the home page's join form, answered with a redirect to the room.
    static let findByCode: Handler = { ctx in
        let raw = try ctx.request.query.value("code") ?? ""
        guard let code = RoomCode(parsing: raw), try RoomStore(database: ctx.services.database).find(code) != nil else {
            if RoomCode(parsing: raw) != nil { try ctx.services.codeGuesses.missed(ctx) }
            return HomeHandlers.homePage(
                ctx, joinError: "There is no open room with the code “\(raw)”. Check it and try again.",
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
        return roomPage(ctx, try present(ctx, code))
    }

    /// POST /r/:code/join
    static let join: Handler = { ctx in
        let code = try parseCode(ctx)
        let rawName = try ctx.field("display_name")
        let name: DisplayName
        do throws(DisplayName.Problem) { name = try DisplayName(validating: rawName) } catch {
            return roomPage(
                ctx, try present(ctx, code), joinError: error.description, inputs: ["name_input": rawName],
                status: .unprocessableEntity)
        }
        if let refusal = try limited(ctx, code, ctx.services.config.rateLimits.joins, inputs: ["name_input": rawName]) {
            return refusal
        }
        let change = try RoomStore(database: ctx.services.database).join(code, session: ctx.session, name: name)
        change.announce(ctx.services)
        return redirect(ctx, code, to: "/r/\(code.display)", after: change.version)
    }

    /// POST /r/:code/leave
    static let leave: Handler = { ctx in
        let code = try parseCode(ctx)
        do {
            let change = try RoomStore(database: ctx.services.database).leave(code, session: ctx.session)
            // The leaver goes elsewhere: announcing loads the room once, so their friends hear
            // they left even when nobody else is watching it.
            change.announce(ctx.services)
        } catch let refusal as RoomRefusal {
            return try problemPage(ctx, code, refusal)
        }
        return .response(.redirect(to: "/"))
    }

    /// GET /r/:code/poll?since=N: answers when the room's version differs from N, else parks
    /// until it moves (or 204 after the hold).
    static let poll: Handler = { ctx in
        let sinceText = try ctx.request.query.value("since") ?? ""
        // At most 15 digits: well inside both Int64 and JavaScript's exact integers.
        guard !sinceText.isEmpty, sinceText.count <= 15, sinceText.allSatisfy({ $0.isASCII && $0.isNumber }), let since = Int(sinceText) else {
            throw ClientError.badRequest("since must be the last version you saw: a non-negative whole number.")
        }
        let snapshot = try present(ctx, try parseCode(ctx), poll: true)
        let me = snapshot.member(for: ctx.session)
        let variant = PollVariant(isHost: me?.role == .host, isDJ: me?.isDJ ?? false)
        // A version from the future (a restored database, a hand-made URL) would never be
        // reached: answer with the current state so the client starts over from it.
        if snapshot.room.version != since {
            // An older copy (served while the room reloads) behind a `since` this process has
            // already been woken with: the room is at least there, so wait for what comes next
            // rather than sending the browser back in time.
            // Its role may have changed since that copy (made DJ, handed the room): the copy
            // that answers says which rendering it gets.
            if snapshot.room.version < since, let known = ctx.services.hub.latestVersion(of: snapshot.room.channel), known >= since {
                return .park(channel: snapshot.room.channel, since: since, variant: nil)
            }
            return .response(.json(RoomViews.pollBody(snapshot, since: since, variant: variant, templates: ctx.services.templates)))
        }
        return .park(channel: snapshot.room.channel, since: since, variant: variant)
    }

    /// GET /r/:code/state.json[?participants_page=N]: participants come 100 a page, with the
    /// counts always present.
    static let state: Handler = { ctx in
        let page = try pageNumber(ctx, "participants_page")
        let code = try parseCode(ctx)
        guard let snapshot = try RoomReader(services: ctx.services).snapshot(code, atLeast: ownChange(ctx, code)) else {
            throw RoomRefusal.noSuchRoom
        }
        return .response(.json(RoomViews.stateJSON(snapshot, page: page)))
    }

    /// GET /r/:code/here: the presence frame. The room page carries it for participants, inside
    /// `<noscript>`; it reloads itself every `presenceRefresh` seconds, so a participant reading
    /// the page without JavaScript is seen (and credited) like everyone else without their page
    /// reloading under what they type. Notes presence as a page view does, and nothing else.
    static let here: Handler = { ctx in
        let snapshot = try present(ctx, try parseCode(ctx))
        var response = Response.html(ctx.services.templates.render("here", [:]))
        response.framedBySelf = true
        // The header, not a <meta>: the frame is hidden, and nobody reads it.
        if snapshot.member(for: ctx.session) != nil, snapshot.room.status != .ended {
            response.addHeader("Refresh", String(presenceRefresh))
        }
        return .response(response)
    }

    /// Shorter than the online window (`RoomStore.onlineWindow`), with room for a slow load.
    static let presenceRefresh = 40

    /// A 1-based page number from the query (1 when absent); anything else is a 400.
    static func pageNumber(_ ctx: RequestContext, _ name: String) throws -> Int {
        guard let text = try ctx.request.query.value(name) else { return 1 }
        guard !text.isEmpty, text.count <= 6, text.allSatisfy({ $0.isASCII && $0.isNumber }), let page = Int(text), page >= 1 else {
            throw ClientError.badRequest("\(name) must be a page number: 1, 2, 3…")
        }
        return page
    }

    /// People per page of the moderation view.
    static let moderationPageSize = 100

    /// GET /r/:code/moderate: the host's view of people and recent messages, hidden ones included.
    static let moderate: Handler = { ctx in
        let code = try parseCode(ctx)
        return try moderationPage(ctx, code)
    }

    static func moderationPage(_ ctx: RequestContext, _ code: RoomCode, error: RoomRefusal? = nil) throws -> Outcome {
        let requested = try pageNumber(ctx, "page")
        let snapshot = try present(ctx, code)
        // The route is `.host` (the gate checked), but a refused action comes back here too, and
        // a hand-over may just have made this viewer a guest: shadow-hidden messages and the
        // people list are the host's alone.
        guard snapshot.member(for: ctx.session)?.role == .host else {
            return try problemPage(ctx, code, .hostOnly)
        }
        let elapsed = snapshot.age
        // People in the room's order (host first, then by joining), a page at a time.
        let pages = max(1, (snapshot.members.count + moderationPageSize - 1) / moderationPageSize)
        let page = min(requested, pages)
        let people = snapshot.members.dropFirst((page - 1) * moderationPageSize).prefix(moderationPageSize)
        var context: TemplateContext = [
            "code": .text(code.display), "theme": .text(snapshot.room.theme),
            "people": .list(
                people.map { m in
                    [
                        "id": .text(m.id), "name": .text(m.name), "is_host": .bool(m.role == .host), "muted": .bool(m.isMuted),
                        "is_dj": .bool(m.isDJ),
                        "online": .bool(snapshot.isOnline(m, elapsed: elapsed)),
                    ]
                }),
            "people_count": .text(RoomViews.countText(snapshot)),
            "page": .text(String(page)), "pages": .text(String(pages)), "paged": .bool(pages > 1),
            "messages": .list(
                snapshot.messages.reversed().map { m in
                    ["id": .text(String(m.id)), "author": .text(m.author), "html": .html(ChatFormat.html(m.text)), "hidden": .bool(m.isShadowHidden)]
                }),
        ]
        if page > 1 { context["previous_page"] = .text(String(page - 1)) }
        if page < pages { context["next_page"] = .text(String(page + 1)) }
        if let error { context["error"] = .text(error.message) }
        return Views.page("moderate", title: "Moderate room \(code.display)", context, ctx: ctx, status: error.map(ErrorMapping.status) ?? .ok)
    }

    /// The long-poll snapshot for channel "room:<id>".
    static func snapshot(services: Services) -> LiveHub.SnapshotSource {
        { channel in
            guard let snapshot = try RoomReader(services: services).snapshot(id: String(channel.dropFirst("room:".count))) else {
                return nil
            }
            let variants: @Sendable () -> [Int: PollVariant] = {
                var made: [Int: PollVariant] = [:]
                for member in snapshot.members where member.role == .host || member.isDJ {
                    made[ParkedPolls.ownerKey(member.sessionHash)] = PollVariant(isHost: member.role == .host, isDJ: member.isDJ)
                }
                return made
            }
            return LiveSnapshot(version: snapshot.room.version, variants: variants) { since, variant in
                RoomViews.pollBody(snapshot, since: since, variant: variant, templates: services.templates)
            }
        }
    }

    /// 303 back to the room (or `path` under it), remembering the version this change made
    /// (`SeenVersion`, a cookie scoped to the room's path).
    static func redirect(_ ctx: RequestContext, _ code: RoomCode, to location: String, after change: Int?) -> Outcome {
        var response = Response.redirect(to: location)
        if let change {
            let value = ctx.services.seenVersions.cookieValue(change, room: code)
            response.addHeader(
                "Set-Cookie",
                Cookies.setCookie(
                    name: SeenVersion.cookieName, value: value, maxAge: 60,
                    secure: ctx.services.config.secureCookies, path: "/r/\(code.display)"))
        }
        return .response(response)
    }

    /// A malformed code is not a guess at a live one, so it is not counted (see `byCode`).
    static func parseCode(_ ctx: RequestContext) throws -> RoomCode {
        guard let code = RoomCode(parsing: ctx.request.parameter("code")) else {
            throw ClientError.notFound(RoomRefusal.noSuchRoom.message)
        }
        return code
    }

    /// Every route that finds a room by its code goes through this (see Routes): an address
    /// that guessed too many codes is refused before any lookup, and a code that names no room
    /// counts against the address and the account (`CodeGuesses`).
    static func byCode(_ handler: @escaping Handler) -> Handler {
        { ctx in try findingRoom(ctx) { try handler(ctx) } }
    }

    /// Runs `body`, which looks a room up by its code, under the code-guessing rule (`byCode`);
    /// the room-role gate (`RoomAccess`) goes through it too.
    static func findingRoom<T>(_ ctx: RequestContext, _ body: () throws -> T) throws -> T {
        try ctx.services.codeGuesses.check(ctx)
        do {
            return try body()
        } catch RoomRefusal.noSuchRoom {
            // A room the moderators closed is no guess: everyone who comes back is told why.
            if let code = RoomCode(parsing: ctx.request.parameter("code")),
                let reason = try AdminRoomStore.closure(code, database: ctx.services.database)
            {
                throw RoomRefusal.closed(reason)
            }
            try ctx.services.codeGuesses.missed(ctx)
            throw RoomRefusal.noSuchRoom
        }
    }

    /// The version this browser's own last change produced (its signed `pp_rv`): a responder
    /// whose copy is older reloads rather than show the browser a room without its change.
    static func ownChange(_ ctx: RequestContext, _ code: RoomCode) -> Int? {
        ctx.services.seenVersions.version(fromCookie: ctx.request.cookies[SeenVersion.cookieName], room: code)
    }

    /// Loads the room for this viewer and records their presence: in memory only, written to
    /// PostgreSQL (and announced, if they came back from away) in the next batch, about a
    /// second later (`PresenceBuffer`), so a crowd coming back at once costs one write per room.
    /// `poll`: a long-poll may be given an older copy while the room reloads (RoomReader).
    static func present(_ ctx: RequestContext, _ code: RoomCode, poll: Bool = false) throws -> RoomSnapshot {
        let reader = RoomReader(services: ctx.services)
        guard let snapshot = try reader.snapshot(code, atLeast: ownChange(ctx, code), orWhileLoading: poll) else { throw RoomRefusal.noSuchRoom }
        if snapshot.isRemoved(ctx.session, user: { ctx.userForChrome?.id }) { throw RoomRefusal.removed }
        if let viewer = snapshot.member(for: ctx.session), !snapshot.lookup.wasSeen(viewer.id),
            viewer.idleAtLoad + snapshot.age >= Double(RoomStore.touchInterval)
        {
            ctx.services.presence.record(roomID: snapshot.room.id, participantID: viewer.id, roomSize: snapshot.members.count)
            snapshot.lookup.markSeen(viewer.id)
        }
        return snapshot
    }

    static func roomPage(
        _ ctx: RequestContext, _ snapshot: RoomSnapshot, error: String? = nil, joinError: String? = nil,
        inputs: [String: String] = [:], kept: RoomViews.Kept? = nil, checkedFriends: [String] = [], status: HTTPStatus = .ok,
        headers: [(String, String)] = []
    ) -> Outcome {
        // One reading of the clock for the whole page.
        let timer = snapshot.timer
        var (context, parts, refreshSeconds) = RoomViews.page(
            snapshot, timer: timer, viewer: ctx.session, csrf: ctx.csrfToken,
            baseURL: ctx.services.config.baseURL, kept: kept, templates: ctx.services.templates)
        if snapshot.member(for: ctx.session) == nil, inputs["name_input"] == nil, let user = ctx.userForChrome {
            // A signed-in visitor joins under their own name unless they type another.
            context["name_input"] = .text(user.displayName)
        }
        if let user = ctx.userForChrome, let friends = try? ctx.services.friendsOnline.list(for: user.id, services: ctx.services) {
            context["friends_panel"] = FriendsOnline.context(friends, listID: "room-friends")
        }
        // The viewer's own star and invite form (signed-in participants only).
        context.merge(RoomSocialViews.context(ctx, snapshot, checked: checkedFriends))
        // The viewer's own vault quote for breaks (signed-in members who want one).
        context.merge(VaultViews.breakContext(ctx, snapshot, timer: timer))
        // Their open private tasks, for "add from my tasks" (signed-in participants only).
        context.merge(PrivateTaskViews.roomContext(ctx, snapshot))
        // Their own journal beside the room (signed-in participants only; never shown to others).
        context.merge(JournalViews.roomContext(ctx, snapshot))
        // Signed in with a seat: the people list's "Add friend" buttons are theirs to use (the
        // list is rendered once for every viewer; the page's attribute shows or hides them).
        if snapshot.member(for: ctx.session) != nil, ctx.userForChrome != nil { context["befriends"] = .bool(true) }
        for (key, value) in inputs { context[key] = .text(value) }
        if let error { context["error"] = .text(error) }
        if let joinError { context["join_error"] = .text(joinError) }
        // The same shape live.js keeps up to date while the clock runs.
        let room = "Room \(snapshot.room.code.display)"
        let title =
            timer.status == .running
            ? "\(RoomViews.clock(timer.remainingMs)) · \(timer.phase) · \(room)"
            : timer.status == .paused ? "Paused · \(timer.phase) · \(room)" : room
        // The soundtrack's player (Public/js/soundtrack.js); the refresh without JavaScript
        // comes when the segment or the track ends, whichever is first (RoomViews.page).
        context["page_script"] = .text("soundtrack")
        var response = Views.page(
            "room", title: title, context, for: ctx, services: ctx.services, status: status,
            refreshSeconds: refreshSeconds, parts: parts)
        // The soundtrack may play a catalogue stream at any moment (a poll brings the next track),
        // so the room page lets in the catalogue's media whenever a catalogue is configured.
        if let settings = ctx.services.config.catalogue { response.mediaSources = settings.mediaSources }
        for (name, value) in headers { response.addHeader(name, value) }
        return .response(response)
    }

    /// Counts `rule` for this client (`RequestContext.limit`); past it, the room page again with
    /// the reason, 429 and Retry-After, and what the person typed. nil: go ahead.
    static func limited(
        _ ctx: RequestContext, _ code: RoomCode, _ rule: RateLimits.Rule,
        inputs: [String: String] = [:]
    ) throws -> Outcome? {
        do {
            try ctx.limit(rule)
            return nil
        } catch let limited as RateLimited {
            return try problemPage(ctx, code, .tooFast(limited.publicMessage, retryAfter: limited.retryAfter), inputs: inputs)
        }
    }

    /// The room page again, with what went wrong and what the person typed.
    static func problemPage(
        _ ctx: RequestContext, _ code: RoomCode, _ refusal: RoomRefusal, inputs: [String: String] = [:],
        kept: RoomViews.Kept? = nil
    ) throws -> Outcome {
        roomPage(
            ctx, try present(ctx, code), error: refusal.message, inputs: inputs, kept: kept,
            status: ErrorMapping.status(refusal), headers: ErrorMapping.headers(refusal))
    }
}
