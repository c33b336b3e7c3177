import Testing
@testable import App
import Web

@Suite("Route guards")
struct RouteGuardTests {
    let routes = Routes.table().routes

    /// Lobsters' rule: every admin page sits behind the one guard, and the build fails otherwise.
    @Test func everyAdminRouteIsGuardedAndOnlyThose() {
        for route in routes {
            let isAdminPath = route.pattern == "/admin" || route.pattern.hasPrefix("/admin/")
            #expect(isAdminPath == (route.handler.access == .admin), "\(route.method) \(route.pattern)")
        }
        #expect(routes.contains { $0.handler.access == .admin })
    }

    @Test func personalPagesNeedASignedInUser() {
        for route in routes where route.pattern == "/me" || route.pattern.hasPrefix("/me/") || route.pattern.hasPrefix("/settings") {
            #expect(route.handler.access == .user, "\(route.method) \(route.pattern)")
        }
    }

    @Test func everyRouteIsReachable() {
        // A route shadowed by an earlier pattern would never run its handler.
        for route in routes {
            let path = route.pattern.split(separator: "/").map { $0.hasPrefix(":") ? "x1" : String($0) }.joined(separator: "/")
            guard case .found(let found, _) = Routes.table().match(method: route.method, path: "/" + path) else {
                Issue.record("\(route.method) \(route.pattern) does not match itself"); continue
            }
            if !route.pattern.contains(":") { #expect(found.pattern == route.pattern) }
        }
    }
}
