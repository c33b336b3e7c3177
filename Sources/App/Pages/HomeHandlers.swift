import Web

enum HomeHandlers {
    /// GET /
    static let home: Handler = { ctx in homePage(ctx) }

    static func homePage(
        _ ctx: RequestContext, createError: String? = nil, nameInput: String = "",
        joinError: String? = nil, codeInput: String = "", status: HTTPStatus = .ok
    ) -> Outcome {
        // A signed-in person's own name and default theme start the form.
        let user = ctx.userForChrome
        var context: TemplateContext = [
            "name_input": .text(nameInput.isEmpty && createError == nil ? user?.displayName ?? "" : nameInput),
            "code_input": .text(codeInput),
            "themes": RoomViews.themes(selected: user?.theme ?? "midnight_bloom"),
        ]
        if let createError { context["create_error"] = .text(createError) }
        if let joinError { context["join_error"] = .text(joinError) }
        return Views.page("home", title: "Pomopomo — focus together", context, ctx: ctx, status: status)
    }
}
