import Domain
import Foundation
import Web

/// What every admin page shares: the admin menu (with the open-report count) above the page.
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
        "admin", "admin_audit", "admin_users", "admin_user", "admin_reports", "admin_report", "admin_rooms", "admin_room", "partials/admin_nav",
        "report", "report_sent",
    ]

    /// An admin page: `name`'s template with the menu, `section` marked as the current one.
    static func page(
        _ name: String, title: String, _ context: TemplateContext, ctx: RequestContext, section: Section, status: HTTPStatus = .ok
    ) throws -> Outcome {
        var context = context
        let open = try ReportStore.openCount(database: ctx.services.database)
        context["admin_nav"] = .list(
            Section.allCases.map {
                [
                    "href": .text($0.href), "title": .text($0.title), "current": .bool($0 == section),
                    "badge": .text($0 == .reports && open > 0 ? " (\(open) open)" : ""),
                ]
            })
        return Views.page(name, title: "Admin · " + title, context, ctx: ctx, status: status)
    }

    /// Logs a refused admin action (who, where, which rule; never what was typed), so an
    /// admin session trying what it may not shows in the log.
    static func logRefusal(_ ctx: RequestContext, _ refusal: ModerationRefusal) {
        ctx.services.logger.notice(
            "admin action refused",
            metadata: ["by": "\((try? ctx.user)??.id ?? "-")", "path": "\(ctx.request.path)", "rule": "\(refusal.kind)"])
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
