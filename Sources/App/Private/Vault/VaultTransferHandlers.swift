import Domain
import Foundation
import Web

/// The vault as plain Markdown (`VaultMarkdown`): download it, and bring a collection in by
/// pasting or uploading it. An import is all or nothing: one refused block and nothing is
/// stored, the blocks' problems listed by number with the text kept to fix them.
enum VaultTransferHandlers {
    /// GET /me/vault/export.md
    static let export: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let quotes = try VaultStore(database: ctx.services.database).all(userID: user.id)
        let text = VaultMarkdown.document(quotes.map { VaultMarkdown.block(body: $0.body, source: $0.source, tags: $0.tags) })
        var response = Response(status: .ok, headers: [("Content-Type", "text/markdown; charset=utf-8")], body: Array(text.utf8))
        response.addHeader("Content-Disposition", "attachment; filename=\"pomopomo-vault.md\"")
        return .response(response)
    }

    /// GET /me/vault/import
    static let importForm: Handler = { ctx in
        _ = try AccountFlow.signedInUser(ctx)
        return importPage(ctx)
    }

    /// Problems listed at most, the rest counted.
    static let shownProblems = 50

    static func importPage(
        _ ctx: RequestContext, text: String = "", error: String? = nil, problems: [VaultMarkdown.Problem] = [],
        status: HTTPStatus = .ok
    ) -> Outcome {
        var context: TemplateContext = [
            "markdown_input": .text(text), "max_kib": .text(String(VaultLimits.importBytes / 1024)),
            "limit": .text(VaultRefusal.grouped(VaultLimits.quotesPerAccount)),
        ]
        if let error { context["error"] = .text(error) }
        if !problems.isEmpty {
            context["has_problems"] = .bool(true)
            context["problems"] = .list(problems.prefix(shownProblems).map { ["block": .text(String($0.block)), "message": .text($0.message)] })
            if problems.count > shownProblems { context["more_problems"] = .text(String(problems.count - shownProblems)) }
        }
        return Views.page("me_vault_import", title: "Import quotes", context, ctx: ctx, status: status)
    }

    /// POST /me/vault/import (multipart: a `markdown` textarea or a `file`, not both).
    static let importQuotes: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        // The whole request first, before anything of it is read as quotes (room for the form's
        // other fields and the multipart framing).
        if ctx.request.body.count > VaultLimits.importBytes + 16 * 1024 {
            return importPage(ctx, error: tooLarge, status: .payloadTooLarge)
        }
        let pasted = try ctx.field("markdown")
        let file = try ctx.upload("file")
        let text: String
        if let file, !file.body.isEmpty {
            if !pasted.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                return importPage(ctx, text: pasted, error: "Paste quotes or choose a file, not both.", status: .unprocessableEntity)
            }
            if file.body.count > VaultLimits.importBytes { return importPage(ctx, error: tooLarge, status: .payloadTooLarge) }
            var bytes = file.body[...]
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            guard let decoded = String(validating: bytes, as: UTF8.self), !decoded.utf8.contains(0) else {
                return importPage(ctx, error: "That file is not plain text (UTF-8): choose a Markdown or text file.", status: .unprocessableEntity)
            }
            text = decoded
        } else {
            if pasted.utf8.count > VaultLimits.importBytes { return importPage(ctx, error: tooLarge, status: .payloadTooLarge) }
            text = pasted
        }
        let parsed = VaultMarkdown.parse(text)
        if !parsed.problems.isEmpty {
            let n = parsed.problems.count
            return importPage(
                ctx, text: text,
                error: "\(n == 1 ? "One block was" : "\(n) blocks were") refused, so nothing was imported. Fix them and import again.",
                problems: parsed.problems, status: .unprocessableEntity)
        }
        if parsed.drafts.isEmpty {
            return importPage(ctx, text: text, error: "There are no quotes in this text.", status: .unprocessableEntity)
        }
        let imported: VaultStore.Imported
        do {
            imported = try ctx.services.database.transaction { try VaultStore.importAll(parsed.drafts, userID: user.id, on: $0) }
        } catch let refusal as VaultRefusal {
            return importPage(ctx, text: text, error: refusal.message + " Nothing was imported.", status: .unprocessableEntity)
        }
        return .response(.redirect(to: "/me/vault?imported=\(imported.added)&skipped=\(imported.alreadyThere)"))
    }

    static let tooLarge =
        "That is more than \(VaultLimits.importBytes / 1024) KiB of quotes, the most one import takes. Split it and import the parts one after the other."
}
