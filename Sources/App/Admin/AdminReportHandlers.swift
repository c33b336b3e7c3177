import Domain
import Foundation
import Postgres
import Web

/// /admin/reports: the queue (open or closed, newest or most reported first), one reported
/// thing's page with every report of it, and resolving it with an action or dismissing it, with
/// a note. All open reports of the thing close together, in the action's transaction, with an
/// audit line for the action and one for the resolution.
enum AdminReportHandlers {
    static let pageSize = 50

    /// GET /admin/reports?status=open|closed&order=newest|most&page=N
    static let queue: Handler = { ctx in
        let status = try AdminInput.query(ctx, "status", limit: 10)
        guard ["", "open", "closed"].contains(status) else { throw ModerationRefusal.invalid("status is open or closed.") }
        let order = try AdminInput.choice(ctx, "order", ReportOrder.self) ?? .newest
        let page = try RoomHandlers.pageNumber(ctx, "page")
        let open = status != "closed"
        let cases = try ReportStore.queue(
            open: open, order: order, limit: pageSize + 1, offset: (page - 1) * pageSize, database: ctx.services.database)
        func href(open: Bool, order: ReportOrder, page: Int = 1) -> String {
            "/admin/reports"
                + AdminViews.queryString(
                    [("status", open ? "open" : "closed"), ("order", order.rawValue)] + (page > 1 ? [("page", String(page))] : []))
        }
        var context: TemplateContext = [
            "open": .bool(open), "most": .bool(order == .most),
            "open_href": .text(href(open: true, order: order)), "closed_href": .text(href(open: false, order: order)),
            "newest_href": .text(href(open: open, order: .newest)), "most_href": .text(href(open: open, order: .most)),
            "cases": .list(
                cases.prefix(pageSize).map { c in
                    [
                        "id": .text(String(c.latestID)), "subject": .text(c.subject.label), "author": .text(c.authorName),
                        "excerpt": .text(String(c.excerpt.prefix(200))), "count": .text(String(c.reporters)),
                        "reports_word": .text(c.reporters == 1 ? "report" : "reports"), "at": .text(c.latestAt),
                        "reasons": .text(c.reasons.map(\.label).joined(separator: ", ")), "room": .text(c.roomCode ?? ""),
                        "status": .text(c.status.label),
                    ]
                }),
            "has_cases": .bool(!cases.isEmpty),
        ]
        if cases.count > pageSize { context["next_href"] = .text(href(open: open, order: order, page: page + 1)) }
        if page > 1 { context["previous_href"] = .text(href(open: open, order: order, page: page - 1)) }
        return try AdminViews.page("admin_reports", title: "Reports", context, ctx: ctx, section: .reports)
    }

    /// GET /admin/reports/:id
    static let show: Handler = { ctx in try page(ctx, try report(ctx)) }

    /// POST /admin/reports/:id/resolve (action, length, note)
    static let resolve: Handler = { ctx in
        let admin = try AccountFlow.signedInUser(ctx)
        let report = try report(ctx)
        do {
            guard let action = ReportAction(rawValue: try ctx.field("action")), available(report).contains(action) else {
                throw ModerationRefusal.invalid("Choose one of the actions listed for this report.")
            }
            // Closing a room shows the note to everyone in it; suspending needs its reason.
            let note = try AdminInput.reason(ctx, field: "note", required: action != .none && action != .removeContent || report.subject == .room)
            var length: SuspensionLength? = nil
            if action == .suspend {
                guard let chosen = SuspensionLength(rawValue: try ctx.field("length")) else {
                    throw ModerationRefusal.invalid("Choose how long the suspension lasts.")
                }
                length = chosen
            }
            try ReportResolution(ctx: ctx, admin: admin, report: report, action: action, length: length, note: note).run()
        } catch let refusal as ModerationRefusal where refusal != .notFound {
            AdminViews.logRefusal(ctx, refusal)
            return try page(ctx, report, error: refusal)
        }
        return .response(.redirect(to: "/admin/reports/\(report.id)"))
    }

    /// POST /admin/reports/:id/dismiss (note)
    static let dismiss: Handler = { ctx in
        let admin = try AccountFlow.signedInUser(ctx)
        let report = try report(ctx)
        do {
            let note = try AdminInput.reason(ctx, field: "note", required: false)
            try ctx.services.database.transaction { conn in
                try ReportResolution.close(report, as: .dismissed, action: nil, note: note, by: admin, on: conn)
            }
        } catch let refusal as ModerationRefusal where refusal != .notFound {
            AdminViews.logRefusal(ctx, refusal)
            return try page(ctx, report, error: refusal)
        }
        return .response(.redirect(to: "/admin/reports/\(report.id)"))
    }

    static func report(_ ctx: RequestContext) throws -> ReportStore.Report {
        guard let report = try ReportStore.find(ctx.request.parameter("id"), database: ctx.services.database) else {
            throw ModerationRefusal.notFound
        }
        return report
    }

    /// The actions that fit: room actions only while the author's seat (or the room) is there.
    static func available(_ report: ReportStore.Report) -> [ReportAction] {
        ReportAction.available(for: report.subject, hasAccount: report.authorID != nil, hasSeat: report.authorSeat != nil)
    }

    static func page(_ ctx: RequestContext, _ report: ReportStore.Report, error: ModerationRefusal? = nil) throws -> Outcome {
        let all = try ReportStore.reports(of: report.subject, report.subjectID, database: ctx.services.database)
        let isOpen = all.contains { $0.status == .open }
        let chosen = (try? ctx.field("action")) ?? ""
        var context: TemplateContext = [
            "id": .text(String(report.id)), "subject": .text(report.subject.label), "author": .text(report.authorName),
            "excerpt": .text(report.excerpt), "is_open": .bool(isOpen),
            "reports": .list(
                all.map { r in
                    var row: TemplateContext = [
                        "id": .text(String(r.id)), "reporter": .text(r.reporterName ?? "deleted account"), "reason": .text(r.reason.label),
                        "details": .text(r.details), "at": .text(r.at), "status": .text(r.status.label),
                        "resolution": .text(
                            [r.action?.label, r.note.isEmpty ? nil : "“\(r.note)”", r.resolvedBy.map { "by \($0)" }].compactMap { $0 }.joined(
                                separator: " · ")),
                    ]
                    if let reporter = r.reporterID { row["reporter_href"] = .text("/admin/users/\(reporter)") }
                    return row
                }),
            "actions": .list(
                available(report).map {
                    [
                        "value": .text($0.rawValue), "label": .text($0.label), "checked": .bool($0.rawValue == chosen),
                    ]
                }),
            "can_suspend": .bool(available(report).contains(.suspend)),
            "lengths": .list(SuspensionLength.allCases.map { ["value": .text($0.rawValue), "label": .text($0.label)] }),
            "note_input": .text(error == nil ? "" : String(((try? ctx.field("note")) ?? "").prefix(ModerationReason.limit * 4))),
        ]
        if let author = report.authorID { context["author_href"] = .text("/admin/users/\(author)") }
        if let code = report.roomCode { context["room_href"] = .text("/admin/rooms/\(code)") }
        if let error { context["error"] = .text(error.message) }
        return try AdminViews.page(
            "admin_report", title: "Report \(report.id)", context, ctx: ctx, section: .reports, status: error.map(ErrorMapping.status) ?? .ok)
    }
}
