import Web

/// Renders pages: the page template first, then the shared layout around it with the context
/// every page gets (CSRF token, asset version, title).
enum Views {
    static let requiredTemplates = ["layout", "home", "room", "moderate", "stats", "error", "partials/participants", "partials/timer",
                                     "partials/queue", "partials/public_tasks", "partials/proposals", "partials/chat"]

    /// `refreshSeconds`: reload the page after this long when JavaScript is off (the live
    /// script keeps pages current otherwise).
    static func page(_ name: String, title: String, _ context: TemplateContext, for ctx: RequestContext?,
                     services: Services, status: HTTPStatus = .ok, refreshSeconds: Int? = nil) -> Response {
        var context = context
        if let refreshSeconds { context["refresh_seconds"] = .text(String(refreshSeconds)) }
        context["csrf"] = .text(ctx?.csrfToken ?? "")
        context["asset_version"] = .text(services.assetVersion)
        let content = services.templates.render(name, context)
        context["title"] = .text(title)
        context["content"] = .html(SafeHTML(trusted: String(decoding: content, as: UTF8.self)))
        return .html(services.templates.render("layout", context), status: status)
    }

    static func page(_ name: String, title: String, _ context: TemplateContext, ctx: RequestContext, status: HTTPStatus = .ok) -> Outcome {
        .response(page(name, title: title, context, for: ctx, services: ctx.services, status: status))
    }
}
