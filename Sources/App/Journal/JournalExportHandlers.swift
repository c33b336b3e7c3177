import Foundation
import Web

/// GET /journal/export.csv and /journal/export.json: the signed-in owner's journal as a download.
enum JournalExportHandlers {
    static let csv: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let body = try JournalExport.csv(userID: user.id, database: ctx.services.database)
        var response = Response(status: .ok, headers: [("Content-Type", "text/csv; charset=utf-8")], body: body)
        response.addHeader("Content-Disposition", "attachment; filename=\"pomopomo-journal.csv\"")
        return .response(response)
    }

    static let json: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let text = try JournalExport.json(userID: user.id, audioBase: ctx.services.config.baseURL, database: ctx.services.database)
        var response = Response.json(Array(text.utf8))
        response.addHeader("Content-Disposition", "attachment; filename=\"pomopomo-journal.json\"")
        return .response(response)
    }
}
