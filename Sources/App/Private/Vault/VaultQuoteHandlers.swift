import Domain
import Web

/// One quote of the vault: edit (with a version check), delete, favourite. Someone else's quote
/// id answers exactly like a missing one (404), and nothing changes.
enum VaultQuoteHandlers {
    /// The quote id in the path; anything but a positive number is a missing quote.
    static func quoteID(_ ctx: RequestContext) throws -> Int {
        guard let id = NotificationHandlers.noticeID(ctx.request.parameter("id")) else { throw VaultRefusal.noSuchQuote }
        return id
    }

    /// GET /me/vault/:id/edit
    static let editForm: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        guard let quote = try VaultStore(database: ctx.services.database).find(try quoteID(ctx), userID: user.id) else {
            throw VaultRefusal.noSuchQuote
        }
        return editPage(ctx, quote)
    }

    /// The edit form: the stored quote, or (`error`) what was typed with the reason it was
    /// refused; after a 409 (`stored` given) the form carries the stored version, so saving again
    /// replaces the other tab's change on purpose, and the stored text is shown beside it.
    static func editPage(
        _ ctx: RequestContext, _ quote: VaultQuote, error: String? = nil, status: HTTPStatus = .ok, stale: Bool = false,
        formVersion: Int? = nil
    ) -> Outcome {
        var context = VaultViews.quote(quote)
        let kept = error != nil
        context["body_input"] = .text(kept ? ((try? ctx.field("body")) ?? "") : quote.body)
        context["source_input"] = .text(kept ? ((try? ctx.field("source")) ?? "") : quote.source)
        context["tags_input"] = .text(kept ? ((try? ctx.field("tags")) ?? "") : quote.tags.joined(separator: ", "))
        if let error { context["error"] = .text(error) }
        context["stale"] = .bool(stale)
        // A refused edit keeps the version it was made from: saving it again is still checked.
        if let formVersion { context["version"] = .text(String(formVersion)) }
        return Views.page("me_vault_edit", title: "Edit a quote", context, ctx: ctx, status: status)
    }

    /// POST /me/vault/:id: saves an edit made from `version`.
    static let edit: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let id = try quoteID(ctx)
        let store = VaultStore(database: ctx.services.database)
        let versionText = try ctx.field("version")
        guard versionText.count <= 9, versionText.allSatisfy(\.isASCII), let version = Int(versionText), version >= 1 else {
            throw ClientError.badRequest("version is the number the edit form carries.")
        }
        do {
            let draft = try QuoteDraft(body: try ctx.field("body"), source: try ctx.field("source"), tags: try ctx.field("tags"))
            try ctx.services.database.transaction { try VaultStore.update(id, userID: user.id, version: version, draft, on: $0) }
        } catch let refusal as VaultRefusal {
            guard let stored = try store.find(id, userID: user.id) else { throw VaultRefusal.noSuchQuote }
            switch refusal {
            case .invalid: return editPage(ctx, stored, error: refusal.message, status: .unprocessableEntity, formVersion: version)
            case .stale:
                return editPage(
                    ctx, stored, error: refusal.message + " What you typed is below; the stored quote is shown above it.",
                    status: .conflict, stale: true)
            case .noSuchQuote, .full: throw refusal
            }
        }
        return .response(.redirect(to: "/me/vault#quote-\(id)"))
    }

    /// POST /me/vault/:id/delete
    static let delete: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        guard try VaultStore(database: ctx.services.database).delete(try quoteID(ctx), userID: user.id) else {
            throw VaultRefusal.noSuchQuote
        }
        return .response(.redirect(to: "/me/vault"))
    }

    /// POST /me/vault/:id/favourite and …/unfavourite
    static func favourite(_ on: Bool) -> Handler {
        { ctx in
            let user = try AccountFlow.signedInUser(ctx)
            let id = try quoteID(ctx)
            guard try VaultStore(database: ctx.services.database).setFavourite(id, userID: user.id, on) else {
                throw VaultRefusal.noSuchQuote
            }
            return .response(.redirect(to: "/me/vault#quote-\(id)"))
        }
    }
}
