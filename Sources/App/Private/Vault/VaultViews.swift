import Domain
import Markdown
import Web

/// How vault quotes look wherever they are shown: the list, the random page, /me, and a room's
/// or timer's break (always to their owner alone).
enum VaultViews {
    /// One quote: its Markdown rendered safe (Discount: raw HTML escaped, unsafe links and images
    /// off), the source and tags escaped like any text.
    static func quote(_ q: VaultQuote) -> TemplateContext {
        [
            "id": .text(String(q.id)), "body_html": .html(SafeHTML(trusted: Markdown.renderSafeHTML(q.body))),
            "source": .text(q.source), "favourite": .bool(q.favourite), "version": .text(String(q.version)),
            "tags": .list(q.tags.map { ["tag": .text($0)] }), "has_tags": .bool(!q.tags.isEmpty),
        ]
    }

    /// The /me section: a random quote (favourites weighted) when the owner wants one, or why
    /// there is none; it always links to the vault.
    static func dashboardContext(_ ctx: RequestContext, userID: String) throws -> TemplateContext {
        let drawn = try VaultStore(database: ctx.services.database).draw(userID: userID, respectingPreference: true)
        var vault: TemplateContext = ["shown": .bool(drawn.shown), "empty": .bool(drawn.count == 0)]
        if let q = drawn.quote { vault["quote"] = .object(quote(q)) }
        return ["vault": .object(vault)]
    }

    /// The viewer's own quote on a room page: for a signed-in member who wants quotes, shown
    /// while the room is in a break (running or paused). It is rendered at any time but `hidden`
    /// outside a break, and app.css shows or hides it as live.js swaps the timer in, so a break
    /// that starts while the page is open shows it too. A failing read leaves it out.
    static func breakContext(_ ctx: RequestContext, _ snapshot: RoomSnapshot, timer: TimerView) -> TemplateContext {
        guard snapshot.member(for: ctx.session) != nil, let user = ctx.userForChrome,
            let q = try? VaultStore(database: ctx.services.database).draw(userID: user.id, respectingPreference: true).quote
        else { return [:] }
        var context = quote(q)
        context["hidden"] = .bool(!isBreak(timer))
        return ["break_quote": .object(context)]
    }

    /// A break segment that is under way.
    static func isBreak(_ timer: TimerView) -> Bool {
        (timer.kind == SegmentKind.break.rawValue || timer.kind == SegmentKind.longBreak.rawValue)
            && (timer.status == .running || timer.status == .paused)
    }
}
