import Domain
import Foundation
import Web

/// /me/vault: the owner's quotes with their filters, the add form, a random quote and the
/// "show me quotes" preference. (Edits: `VaultQuoteHandlers`; Markdown in and out:
/// `VaultTransferHandlers`.)
enum VaultHandlers {
    /// GET /me/vault?tag=…&favourites=1&q=…&page=N
    static let list: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let asked: VaultStore.Filter
        do throws(VaultRefusal) {
            asked = try filter(ctx)
        } catch {
            // A filter that breaks a rule: the page, the typed search kept, nothing listed.
            return try listPage(ctx, userID: user.id, filter: nil, filterError: error.message)
        }
        return try listPage(ctx, userID: user.id, filter: asked)
    }

    /// The filter as the query asks for it; refused values are a 422 that shows what was typed.
    static func filter(_ ctx: RequestContext) throws(VaultRefusal) -> VaultStore.Filter {
        let query = ctx.request.query
        let values: [String?]
        do { values = try ["tag", "favourites", "q", "page"].map { try query.value($0) } } catch {
            throw .invalid("Give each of tag, favourites, q and page once at most.")
        }
        let (tag, favourites, search, page) = (values[0], values[1], values[2], values[3])
        var filter = VaultStore.Filter()
        if let tag { filter.tag = try QuoteTags.normalised(tag) }
        guard favourites == nil || favourites == "" || favourites == "1" else { throw .invalid("favourites is 1 or absent.") }
        filter.favouritesOnly = favourites == "1"
        if let search { filter.search = try VaultSearch(validating: search) }
        let pages = (VaultLimits.quotesPerAccount + VaultLimits.pageSize - 1) / VaultLimits.pageSize
        if let page, !page.isEmpty {
            guard page.count <= 3, page.allSatisfy(\.isASCII), let n = Int(page), (1...pages).contains(n) else {
                throw .invalid("page is a number from 1 to \(pages).")
            }
            filter.page = n
        }
        return filter
    }

    /// The list page. `filter` nil: the query was refused (`filterError`), nothing is listed.
    /// `addError`: the add form was refused and shows what was typed.
    static func listPage(
        _ ctx: RequestContext, userID: String, filter: VaultStore.Filter?, filterError: String? = nil, addError: String? = nil
    ) throws -> Outcome {
        let store = VaultStore(database: ctx.services.database)
        let summary = try store.summary(userID: userID)
        var context: TemplateContext = [
            "count": .text(VaultRefusal.grouped(summary.count)), "limit": .text(VaultRefusal.grouped(VaultLimits.quotesPerAccount)),
            "shown": .bool(summary.shown), "empty": .bool(summary.count == 0),
            "search_input": .text(((try? ctx.request.query.value("q")) ?? nil) ?? ""),
        ]
        let tagCounts = try store.tags(userID: userID)
        context["has_tag_counts"] = .bool(!tagCounts.isEmpty)
        context["tag_counts"] = .list(
            tagCounts.map { ["tag": .text($0.tag), "count": .text(String($0.count)), "current": .bool($0.tag == filter?.tag)] })
        if let filter {
            let (quotes, total) = try store.list(userID: userID, filter)
            context["quotes"] = .list(quotes.map(VaultViews.quote))
            context["has_quotes"] = .bool(!quotes.isEmpty)
            context["filtered"] = .bool(filter.tag != nil || filter.favouritesOnly || filter.search != nil)
            context["favourites_only"] = .bool(filter.favouritesOnly)
            if let tag = filter.tag { context["tag"] = .text(tag) }
            context["matching"] = .text(total == 1 ? "1 quote matches" : "\(VaultRefusal.grouped(total)) quotes match")
            context["pages"] = pagesContext(filter, total: total)
        }
        if let filterError { context["filter_error"] = .text(filterError) }
        if let added = count(ctx, "imported"), let skipped = count(ctx, "skipped") {
            context["imported"] = .text(
                "Imported \(added == 1 ? "1 quote" : "\(added) quotes")"
                    + (skipped == 0 ? "." : "; \(skipped) already in your vault (same text) left as they were."))
        }
        let kept = addError != nil
        context["body_input"] = .text(kept ? try ctx.field("body") : "")
        context["source_input"] = .text(kept ? try ctx.field("source") : "")
        context["tags_input"] = .text(kept ? try ctx.field("tags") : "")
        if let addError { context["add_error"] = .text(addError) }
        let refused = filterError != nil || addError != nil
        return Views.page("me_vault", title: "Your vault", context, ctx: ctx, status: refused ? .unprocessableEntity : .ok)
    }

    /// `?imported=N` after an import: a count up to the cap, else nil (ignored).
    private static func count(_ ctx: RequestContext, _ name: String) -> Int? {
        guard let text = (try? ctx.request.query.value(name)) ?? nil, text.count <= 4, text.allSatisfy(\.isASCII),
            let n = Int(text), (0...VaultLimits.quotesPerAccount).contains(n)
        else { return nil }
        return n
    }

    /// "Newer" and "older" links that keep the filter; absent when everything fits one page.
    private static func pagesContext(_ filter: VaultStore.Filter, total: Int) -> TemplateValue {
        let last = max(1, (total + VaultLimits.pageSize - 1) / VaultLimits.pageSize)
        guard last > 1 else { return .bool(false) }
        var kept: [(String, String)] = []
        if let tag = filter.tag { kept.append(("tag", tag)) }
        if filter.favouritesOnly { kept.append(("favourites", "1")) }
        if let search = filter.search { kept.append(("q", search.text)) }
        func link(_ page: Int) -> String { "/me/vault?" + encoded(kept + [("page", String(page))]) }
        var pages: TemplateContext = ["page": .text(String(filter.page)), "last": .text(String(last))]
        if filter.page > 1 { pages["newer"] = .text(link(filter.page - 1)) }
        if filter.page < last { pages["older"] = .text(link(filter.page + 1)) }
        return .object(pages)
    }

    /// `a=1&b=x%20y`: everything but unreserved characters percent-encoded.
    private static func encoded(_ pairs: [(String, String)]) -> String {
        let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")" }.joined(separator: "&")
    }

    /// POST /me/vault: adds a quote.
    static let add: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let id: Int
        do {
            let draft = try QuoteDraft(body: try ctx.field("body"), source: try ctx.field("source"), tags: try ctx.field("tags"))
            id = try ctx.services.database.transaction { try VaultStore.add(draft, userID: user.id, on: $0) }
        } catch let refusal as VaultRefusal {
            return try listPage(ctx, userID: user.id, filter: VaultStore.Filter(), addError: refusal.message)
        }
        return .response(.redirect(to: "/me/vault#quote-\(id)"))
    }

    /// GET /me/vault/random: one quote drawn as /me draws it (whatever the preference: asked for).
    static let random: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let quote = try VaultStore(database: ctx.services.database).draw(userID: user.id, respectingPreference: false).quote
        var context: TemplateContext = [:]
        if let quote { context["quote"] = .object(VaultViews.quote(quote)) }
        return Views.page("me_vault_random", title: "A quote from your vault", context, ctx: ctx)
    }

    /// POST /me/vault/preference: show a quote on /me and during breaks, or not.
    static let preference: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let show = try ctx.field("show")
        guard show.isEmpty || show == "on" else { throw ClientError.unprocessable("“Show a quote” is either checked or not.") }
        try VaultStore(database: ctx.services.database).setShown(userID: user.id, show == "on")
        return .response(.redirect(to: "/me/vault#vault-preference"))
    }
}
