import Domain
import Web

/// Renders pages: the page template first, then the shared layout around it with the context
/// every page gets (CSRF token, asset version, title).
enum Views {
    static let requiredTemplates =
        [
            "layout", "home", "room", "moderate", "stats", "error", "partials/participants", "partials/timer",
            "partials/queue", "partials/public_tasks", "partials/proposals", "partials/chat",
            "partials/segment_options", "partials/theme_options", "partials/journal_note", "partials/journal_voice_form", "partials/slow_mode",
            "confirm", "here",
            "signup", "login", "forgot", "check_email", "mail_link", "me", "profile", "settings_profile",
            "settings_preferences", "settings_sessions", "settings_password", "settings_account",
            "link_consent", "admin", "partials/settings_nav", "partials/avatar", "partials/achievement_notice", "user_stats",
            "partials/user_stats_body", "leaderboards", "leaderboard_report", "notifications", "partials/room_social", "friends",
        ]
        + ["messages", "conversation", "conversation_frame", "message_report", "partials/direct_messages"]
        + ["timer_history"]
        + ["partials/soundtrack"]
        + ["timer", "partials/personal_clock", "partials/timer_count"]
        + ["me_vault", "me_vault_edit", "me_vault_import", "me_vault_random", "partials/vault_quote"]
        + ["journal_transcript"]
        + ["journal", "journal_session", "partials/journal_now", "partials/journal_chips", "partials/journal_days", "partials/journal_from"]
        + ["journal_insights", "partials/journal_insights_body"]
        + ["music", "music_search", "music_track", "partials/catalogue_tracks", "partials/catalogue_head"]
        + BoardViews.templates
        + [
            "music_library", "music_playlists", "music_playlist", "music_liked", "partials/music_track", "partials/music_pager",
            "partials/music_keep",
            "admin_library",
        ]
        + TwoFactorViews.templates
        + AdminViews.templates
        + MailTemplate.allCases.map(\.templateName)

    /// `refreshSeconds`: reload the page after this long when JavaScript is off (the live
    /// script keeps pages current otherwise). `parts`: pre-rendered fragments by context key
    /// (each as the pieces between CSRF slots), spliced in with the viewer's token.
    static func page(
        _ name: String, title: String, _ context: TemplateContext, for ctx: RequestContext?,
        services: Services, status: HTTPStatus = .ok, refreshSeconds: Int? = nil,
        parts: [String: [[UInt8]]] = [:]
    ) -> Response {
        var context = context
        if let refreshSeconds { context["refresh_seconds"] = .text(String(refreshSeconds)) }
        let csrf = ctx?.csrfToken ?? ""
        context["csrf"] = .text(csrf)
        context["asset_version"] = .text(services.assetVersion)
        if let user = ctx?.userForChrome {
            context["signed_in"] = .object([
                "username": .text(user.username), "display_name": .text(user.displayName),
                "is_admin": .bool(user.isAdmin),
                "notifications_badge": .text(badge(user.unreadNotifications)),
                "messages_badge": .text(badge(user.unreadMessages)),
            ])
            context["page_theme"] = .text(user.theme)
            if !user.soundOn { context["sound_off"] = .bool(true) }
            // On pages a GET shows, so "Got it" can lead back to them.
            if let request = ctx?.request, request.method == "GET" || request.method == "HEAD", status.code == 200,
                let notice = AchievementViews.notice(user, csrf: csrf, next: request.path)
            {
                context["achievement_notice"] = .object(notice)
            }
        }
        var pieces: [[[UInt8]]] = []
        for (key, part) in parts {
            context[key] = .html(Splice.marker(pieces.count))
            pieces.append(part)
        }
        let content = services.templates.render(name, context)
        context["title"] = .text(title)
        context["content"] = .html(Splice.marker(pieces.count))
        pieces.append([content])
        let layout = services.templates.render("layout", context)
        // The layout, with the page put in its place as it is assembled, its own parts joined
        // by the viewer's token: one copy of the big parts, and none through String.
        let joiner = Array(csrf.utf8)
        let contentIndex = pieces.count - 1
        var out: [UInt8] = []
        out.reserveCapacity(layout.count + content.count + parts.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } + 256)
        Splice.assemble(layout, count: pieces.count, into: &out) { index, out in
            if index == contentIndex {
                Splice.assemble(content, parts: pieces, joiner: joiner, into: &out)
            } else {
                out.append(contentsOf: pieces[index].joined())
            }
        }
        return .html(out, status: status)
    }

    /// "(N)" after a header link, nothing at zero; the span stays so live.js can fill it.
    private static func badge(_ count: Int) -> String {
        let text = NotificationWording.badge(count)
        return text.isEmpty ? "" : "(\(text))"
    }

    static func page(_ name: String, title: String, _ context: TemplateContext, ctx: RequestContext, status: HTTPStatus = .ok) -> Outcome {
        .response(page(name, title: title, context, for: ctx, services: ctx.services, status: status))
    }
}
