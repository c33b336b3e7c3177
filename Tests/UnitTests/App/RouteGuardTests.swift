import Domain
import Testing
import Web

@testable import App

@Suite("Route guards")
struct RouteGuardTests {
    let routes = Routes.table().routes

    /// Lobsters' rule: every admin page sits behind the one guard, and the build fails otherwise.
    @Test func everyAdminRouteIsGuardedAndOnlyThose() {
        for route in routes {
            let isAdminPath = route.pattern == "/admin" || route.pattern.hasPrefix("/admin/")
            #expect(isAdminPath == route.handler.access.isAdminOnly, "\(route.method) \(route.pattern)")
        }
        #expect(routes.contains { $0.handler.access == .admin })
    }

    /// Only the second factor's own pages open to an admin who has not passed it (issue 17).
    @Test func onlyTheSecondFactorPagesSkipTheSecondFactor() {
        let skipping = routes.filter { $0.handler.access == .adminSecondFactor }.map { "\($0.method) \($0.pattern)" }
        #expect(Set(skipping) == ["GET /admin/2fa", "POST /admin/2fa", "GET /admin/2fa/enrol", "POST /admin/2fa/enrol"])
    }

    @Test func personalPagesNeedASignedInUser() {
        for route in routes where route.pattern == "/me" || route.pattern.hasPrefix("/me/") || route.pattern.hasPrefix("/settings") {
            #expect(route.handler.access == .user, "\(route.method) \(route.pattern)")
        }
    }

    /// Playlists and liked songs are an account's own (issue 16); the library and its files are
    /// everyone's, since a guest host plays library tracks too.
    @Test func playlistsAndLikesNeedASignedInUser() {
        for route in routes
        where route.pattern.hasPrefix("/music/playlists") || route.pattern == "/music/liked"
            || route.pattern.hasSuffix("/like") || route.pattern.hasSuffix("/unlike") || route.pattern.hasSuffix("/playlist")
        {
            #expect(route.handler.access == .user, "\(route.method) \(route.pattern)")
        }
        for path in ["/music/library", "/music/tracks/:id/file"] {
            #expect(routes.first { $0.method == "GET" && $0.pattern == path }?.handler.access == .open, "GET \(path)")
        }
    }

    /// The JSON API authenticates its own way (token, or cookie + CSRF header) and answers in
    /// JSON: every `/api/…` route, and only those, is `.api`.
    @Test func everyAPIRouteIsBehindTheAPIGate() {
        for route in routes {
            #expect(route.pattern.hasPrefix("/api/") == (route.handler.access == .api), "\(route.method) \(route.pattern)")
        }
        #expect(routes.contains { $0.handler.access == .api })
    }

    /// Friend lists, requests and blocks are a signed-in person's own; every one is `user`.
    @Test func friendRoutesNeedASignedInUser() {
        let friends = routes.filter { $0.pattern == "/friends" || $0.pattern.hasPrefix("/friends/") }
        #expect(
            Set(friends.map { "\($0.method) \($0.pattern)" }) == [
                "GET /friends", "POST /friends/requests", "POST /friends/requests/:id/accept", "POST /friends/requests/:id/decline",
                "POST /friends/requests/:id/cancel", "POST /friends/unfriend", "POST /friends/block", "POST /friends/unblock",
            ])
        for route in friends { #expect(route.handler.access == .user, "\(route.method) \(route.pattern)") }
    }

    /// What each room route asks of its user. A new room route must be added here, so nobody
    /// adds one without deciding who may use it.
    static let roomRoutes: [(String, String, Access)] = [
        ("GET", "/r/:code", .open), ("POST", "/r/:code/join", .open), ("GET", "/r/:code/poll", .open),
        ("GET", "/r/:code/state.json", .open),
        ("GET", "/r/:code/here", .open),
        ("POST", "/r/:code/leave", .participant),
        ("POST", "/r/:code/tasks", .participant), ("POST", "/r/:code/tasks/from-mine", .participant),
        ("POST", "/r/:code/tasks/:id", .participant),
        ("POST", "/r/:code/tasks/:id/toggle", .participant), ("POST", "/r/:code/tasks/:id/delete", .participant),
        ("POST", "/r/:code/proposals", .participant), ("POST", "/r/:code/messages", .participant),
        ("GET", "/r/:code/moderate", .host), ("POST", "/r/:code/timer", .host), ("POST", "/r/:code/theme", .host),
        ("POST", "/r/:code/slow-mode", .host),
        ("POST", "/r/:code/segments", .host), ("POST", "/r/:code/segments/:id", .host),
        ("POST", "/r/:code/segments/:id/delete", .host), ("POST", "/r/:code/segments/:id/move", .host),
        ("POST", "/r/:code/proposals/:id/accept", .host), ("POST", "/r/:code/proposals/:id/reject", .host),
        ("POST", "/r/:code/messages/:id/delete", .host),
        ("POST", "/r/:code/participants/:id/mute", .host), ("POST", "/r/:code/participants/:id/unmute", .host),
        ("POST", "/r/:code/participants/:id/remove", .host), ("POST", "/r/:code/participants/:id/host", .host),
        // A signed-in participant's own: invites go only to their friends, stars to their list.
        ("POST", "/r/:code/invite", .participant), ("POST", "/r/:code/favorite", .participant),
        ("POST", "/r/:code/unfavorite", .participant),
        // The soundtrack: anyone may add (a guest's add is a proposal) and report being behind;
        // the host or a DJ runs it; the host alone makes DJs and takes proposals or not.
        ("POST", "/r/:code/soundtrack/queue", .participant), ("POST", "/r/:code/soundtrack/behind", .participant),
        ("POST", "/r/:code/soundtrack/entries/:id/accept", .dj), ("POST", "/r/:code/soundtrack/entries/:id/reject", .dj),
        ("POST", "/r/:code/soundtrack/entries/:id/move", .dj), ("POST", "/r/:code/soundtrack/entries/:id/delete", .dj),
        ("POST", "/r/:code/soundtrack/play", .dj), ("POST", "/r/:code/soundtrack/pause", .dj),
        ("POST", "/r/:code/soundtrack/seek", .dj), ("POST", "/r/:code/soundtrack/skip", .dj),
        ("POST", "/r/:code/soundtrack/mode", .dj), ("GET", "/r/:code/soundtrack/behind", .dj),
        ("POST", "/r/:code/soundtrack/proposals", .host),
        ("POST", "/r/:code/participants/:id/dj", .host), ("POST", "/r/:code/participants/:id/undj", .host),
        // Reports (issue 17): people with a seat report what they saw there (signed in: the
        // handler sends a guest to sign in first).
        ("GET", "/r/:code/report", .participant), ("POST", "/r/:code/report", .participant),
        ("GET", "/r/:code/messages/:id/report", .participant), ("POST", "/r/:code/messages/:id/report", .participant),
        ("GET", "/r/:code/tasks/:id/report", .participant), ("POST", "/r/:code/tasks/:id/report", .participant),
    ]

    /// Reporting a profile, and the thank-you page, need an account; every admin route of
    /// issue 17 is behind the admin guard (checked above for all of /admin).
    @Test func reportsNeedASignedInUser() {
        for path in ["/u/:username/report", "/reports/sent"] {
            for route in routes where route.pattern == path { #expect(route.handler.access == .user, "\(route.method) \(path)") }
        }
        #expect(routes.filter { $0.pattern.hasPrefix("/admin/reports") || $0.pattern.hasPrefix("/admin/rooms") }.count == 11)
    }

    @Test func everyRoomRouteDeclaresWhoMayUseIt() {
        let declared = routes.filter { $0.pattern.hasPrefix("/r/") }
        #expect(declared.count == Self.roomRoutes.count, "a room route is missing from the table above, or gone")
        for route in declared {
            let expected = Self.roomRoutes.first { $0.0 == route.method && $0.1 == route.pattern }?.2
            #expect(expected != nil, "\(route.method) \(route.pattern) is not in the table above")
            #expect(route.handler.access == expected, "\(route.method) \(route.pattern)")
        }
        // Room roles only make sense where a code names the room.
        for route in routes where !route.pattern.hasPrefix("/r/:code") {
            #expect(route.handler.access.roomRole == nil, "\(route.method) \(route.pattern)")
        }
    }

    @Test func everyRouteIsReachable() {
        // A route shadowed by an earlier pattern would never run its handler.
        for route in routes {
            let path = route.pattern.split(separator: "/").map { $0.hasPrefix(":") ? "x1" : String($0) }.joined(separator: "/")
            guard case .found(let found, _) = Routes.table().match(method: route.method, path: "/" + path) else {
                Issue.record("\(route.method) \(route.pattern) does not match itself")
                continue
            }
            if !route.pattern.contains(":") { #expect(found.pattern == route.pattern) }
        }
    }
}
