import Domain
import Foundation
import Web

/// GET /admin/audit (the log, filtered, 100 lines a page) and /admin/audit.csv (the same lines,
/// every page, as a download).
enum AdminAuditHandlers {
    static let pageSize = 100
    /// Lines one CSV export holds at most: a year of a busy site's moderation.
    static let exportLimit = 100_000

    static let page: Handler = { ctx in
        let filter = try filter(ctx)
        let entries = try AuditLog.list(filter, limit: pageSize + 1, database: ctx.services.database)
        let shown = entries.prefix(pageSize)
        var context: TemplateContext = [
            "entries": .list(shown.map(row)),
            "has_entries": .bool(!shown.isEmpty),
            "actions": .list(
                AuditAction.allCases.map { ["value": .text($0.rawValue), "label": .text($0.label), "selected": .bool($0 == filter.action)] }),
            "kinds": .list(AuditTarget.Kind.allCases.map { ["value": .text($0.rawValue), "selected": .bool($0 == filter.targetKind)] }),
            "actor_input": .text(filter.actor), "target_input": .text(filter.target),
            "from_input": .text(filter.from ?? ""), "to_input": .text(filter.to ?? ""),
            "csv_href": .text("/admin/audit.csv" + query(filter, before: nil)),
        ]
        if entries.count > pageSize, let last = shown.last { context["next_href"] = .text("/admin/audit" + query(filter, before: last.id)) }
        return try AdminViews.page("admin_audit", title: "Audit log", context, ctx: ctx, section: .audit)
    }

    static let csv: Handler = { ctx in
        var filter = try filter(ctx)
        filter.before = nil
        let entries = try AuditLog.list(filter, limit: exportLimit, database: ctx.services.database)
        var out = JournalCSV.line(["id", "at_utc", "actor_id", "actor", "action", "target_kind", "target_id", "target", "reason", "before", "after"])
        for e in entries {
            out += JournalCSV.line([
                String(e.id), e.at, e.actorID, e.actorName, e.actionStored, e.targetKind, e.targetID, e.targetLabel, e.reason,
                e.before ?? "", e.after ?? "",
            ])
        }
        var response = Response(status: .ok, headers: [("Content-Type", "text/csv; charset=utf-8")], body: Array(out.utf8))
        response.addHeader("Content-Disposition", "attachment; filename=\"pomopomo-audit.csv\"")
        return .response(response)
    }

    static func filter(_ ctx: RequestContext) throws -> AuditLog.Filter {
        AuditLog.Filter(
            action: try AdminInput.choice(ctx, "action", AuditAction.self), actor: try AdminInput.query(ctx, "actor", limit: 64),
            targetKind: try AdminInput.choice(ctx, "kind", AuditTarget.Kind.self), target: try AdminInput.query(ctx, "target", limit: 100),
            from: try AdminInput.day(ctx, "from"), to: try AdminInput.day(ctx, "to"),
            before: try AdminInput.number(ctx, "before", 1...Int(Int64.max)))
    }

    /// The filter as a query string (`?…`), for the next page and the export link.
    static func query(_ f: AuditLog.Filter, before: Int?) -> String {
        var items: [(String, String)] = []
        if let a = f.action { items.append(("action", a.rawValue)) }
        if !f.actor.isEmpty { items.append(("actor", f.actor)) }
        if let k = f.targetKind { items.append(("kind", k.rawValue)) }
        if !f.target.isEmpty { items.append(("target", f.target)) }
        if let d = f.from { items.append(("from", d)) }
        if let d = f.to { items.append(("to", d)) }
        if let b = before { items.append(("before", String(b))) }
        return AdminViews.queryString(items)
    }

    static func row(_ e: AuditLog.Entry) -> TemplateContext {
        var row: TemplateContext = [
            "id": .text(String(e.id)), "at": .text(e.at), "actor": .text(e.actorName),
            "action": .text(e.action?.label ?? e.actionStored), "kind": .text(e.targetKind), "target_id": .text(e.targetID),
            "target": .text(e.targetLabel.isEmpty ? e.targetID : e.targetLabel), "reason": .text(e.reason),
            "before": .text(e.before ?? ""), "after": .text(e.after ?? ""),
        ]
        if e.targetKind == AuditTarget.Kind.user.rawValue { row["user_href"] = .text("/admin/users/" + e.targetID) }
        return row
    }
}
