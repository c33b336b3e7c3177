import Domain
import Foundation
import Web

/// What every admin page shares: the admin menu above the page.
enum AdminViews {
    enum Section: String, CaseIterable {
        case dashboard, users, reports, rooms, audit, library

        var title: String {
            switch self {
            case .dashboard: return "Dashboard"
            case .users: return "Users"
            case .reports: return "Reports"
            case .rooms: return "Rooms"
            case .audit: return "Audit log"
            case .library: return "Music library"
            }
        }

        var href: String { self == .dashboard ? "/admin" : "/admin/" + rawValue }
    }

    static let templates = [
        "admin", "admin_audit", "admin_users", "admin_user", "partials/admin_nav",
    ]

    /// An admin page: `name`'s template with the menu, `section` marked as the current one.
    static func page(
        _ name: String, title: String, _ context: TemplateContext, ctx: RequestContext, section: Section, status: HTTPStatus = .ok
    ) throws -> Outcome {
        var context = context
        context["admin_nav"] = .list(
            Section.allCases.map {
                [
                    "href": .text($0.href), "title": .text($0.title), "current": .bool($0 == section),
                ]
            })
        return Views.page(name, title: "Admin · " + title, context, ctx: ctx, status: status)
    }

    /// `?a=1&b=x%20y` (empty for no items): everything but unreserved characters percent-encoded.
    static func queryString(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return "?" + items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")" }.joined(separator: "&")
    }

    /// "2026-12-03 14:05" in UTC, from seconds since 1970.
    static func clock(_ epoch: Double) -> String {
        AccountStanding.clock(epoch) + " UTC"
    }
}
