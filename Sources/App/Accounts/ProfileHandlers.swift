import Domain
import Foundation
import Markdown
import Web

enum ProfileHandlers {
    /// GET /u/{username}
    static let show: Handler = { ctx in
        // An account whose address was never proven has no public face: its profile is absent.
        guard let account = try UserStore(database: ctx.services.database).find(username: ctx.request.parameter("username")),
            account.emailVerified
        else {
            throw ClientError.notFound("There is no one with this username.")
        }
        let viewer = try ctx.user
        let isOwner = viewer?.id == account.id
        // What the viewer is to this person (signed in, someone else): the friend buttons, and
        // whether the two are hidden from each other (a block either way: "not available").
        let relation = try viewer.flatMap { isOwner ? nil : try FriendStore(database: ctx.services.database).relation(of: $0.id, to: account.id) }
        if let relation, relation.isBlocked {
            return Views.page(
                "profile", title: "Not available",
                ["unavailable": .bool(true), "username": .text(account.username), "you_blocked": .bool(relation == .youBlocked)], ctx: ctx)
        }
        var context = profileContext(account)
        context["is_owner"] = .bool(isOwner)
        context["member_since"] = .text(AccountFlow.format(account.createdAt, timezone: viewer?.timezone).components(separatedBy: ",").first ?? "")
        if let relation { context["friend_actions"] = .object(FriendHandlers.relationContext(account.username, account.displayName, relation)) }
        let visibility = try UserStatsStore(database: ctx.services.database).visibility(userID: account.id)
        let statsAdmitted = visibility.admits(isOwner: isOwner, isFriend: relation == .friends)
        context["stats_visible"] = .bool(statsAdmitted)
        let achievements = try ctx.services.database.withConnection { conn in
            try AchievementStore.earned(userID: account.id, viewerAdmitted: statsAdmitted, on: conn)
        }
        // Nobody else learns whether an account has none or keeps them private.
        if isOwner || !achievements.isEmpty {
            context["show_achievements"] = .bool(true)
            context["achievements"] = AchievementViews.list(achievements, timezone: viewer?.timezone)
            context["has_achievements"] = .bool(!achievements.isEmpty)
        }
        if isOwner || account.showRecentRooms {
            context["show_rooms"] = .bool(true)
            let rooms = try recentRooms(ctx, account.id, timezone: viewer?.timezone)
            context["rooms"] = .list(rooms)
            context["has_rooms"] = .bool(!rooms.isEmpty)
        }
        return Views.page("profile", title: account.displayName, context, ctx: ctx)
    }

    static func profileContext(_ account: Account) -> TemplateContext {
        var context: TemplateContext = [
            "username": .text(account.username), "display_name": .text(account.displayName), "initials": .text(account.initials),
            "bio_html": .html(SafeHTML(trusted: Markdown.renderSafeHTML(account.bio))),
            "links": .list(account.socialLinks.map { ["url": .text($0), "label": .text(linkLabel($0))] }),
            "has_links": .bool(!account.socialLinks.isEmpty),
        ]
        if let file = account.avatarFile { context["avatar_version"] = .text(String(file.prefix(8))) }
        return context
    }

    /// "github.com/octo" for "https://github.com/octo/".
    static func linkLabel(_ url: String) -> String {
        var text = url.dropFirst(8)
        while text.hasSuffix("/") { text = text.dropLast() }
        return String(text.prefix(60))
    }

    static func recentRooms(_ ctx: RequestContext, _ userID: String, timezone: String?) throws -> [TemplateContext] {
        try UserStore(database: ctx.services.database).recentRooms(userID).compactMap { room in
            guard let code = RoomCode(parsing: room.code) else { return nil }
            return [
                "code": .text(code.display), "last_seen": .text(AccountFlow.format(room.lastSeen, timezone: timezone)),
                "is_host": .bool(room.role == .host),
            ]
        }
    }

    /// GET /u/{username}/avatar: the stored bytes with their sniffed type; never rendered as a page.
    static let avatar: Handler = { ctx in
        guard let account = try UserStore(database: ctx.services.database).find(username: ctx.request.parameter("username")),
            let file = account.avatarFile, let type = account.avatarType, let bytes = Avatars.read(file, services: ctx.services)
        else {
            throw ClientError.notFound("This person has no picture.")
        }
        return .response(
            Response(
                status: .ok,
                headers: [
                    ("Content-Type", type), ("Content-Security-Policy", "default-src 'none'; sandbox"),
                    ("Content-Disposition", "inline; filename=\"avatar.\(file.split(separator: ".").last ?? "img")\""),
                    ("Cache-Control", "public, max-age=300"),
                ], body: bytes))
    }

    /// The owner's own numbers for /me: today, this week, the streak and sessions.
    static func focusGlance(_ ctx: RequestContext, _ account: Account) throws -> TemplateContext {
        let now = Date()
        let boundary = DayBoundary(zoneName: account.timezone) ?? DayBoundary(zone: TimeZone(identifier: "UTC")!)
        let today = boundary.day(at: now)
        let glance = try UserStatsStore(database: ctx.services.database).glance(
            userID: account.id, today: today, weekStart: StatsPeriods(today: today).weekStart)
        let streak = glance.tally.streak(at: now, zone: account.timezone)
        return [
            "focus_today": .text(FocusDuration.text(seconds: glance.todaySeconds)),
            "focus_week": .text(FocusDuration.text(seconds: glance.weekSeconds)),
            "focus_streak": .text(UserStatsView.days(streak.current)),
            "focus_covering": .text(UserStatsView.coveringNote(streak) ?? ""),
            "focus_sessions": .text(String(glance.tally.sessions)),
        ]
    }

    /// GET /me
    static let dashboard: Handler = { ctx in
        let account = try AccountFlow.signedInAccount(ctx)
        var context = profileContext(account)
        context["email"] = .text(account.email)
        let rooms = try recentRooms(ctx, account.id, timezone: account.timezone)
        context["rooms"] = .list(rooms)
        context["has_rooms"] = .bool(!rooms.isEmpty)
        context.merge(try focusGlance(ctx, account))
        context.merge(try FavoriteRoomHandlers.dashboardContext(ctx, userID: account.id))
        if let place = ctx.services.leaderboards.place(of: account.id, on: .weekly) {
            context["board_place"] = .object(["place": .text(String(place.place)), "total": .text(String(place.total))])
        }
        context["friends_panel"] = FriendsOnline.context(
            try ctx.services.friendsOnline.list(for: account.id, services: ctx.services), listID: "me-friends")
        context.merge(try VaultViews.dashboardContext(ctx, userID: account.id))
        context.merge(try DashboardSections.tasks(ctx, account))
        context.merge(try DashboardSections.board(ctx, userID: account.id))
        context.merge(try TimerHandlers.dashboardContext(ctx))
        return Views.page("me", title: "Your space", context, ctx: ctx)
    }
}
