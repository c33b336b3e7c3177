import Web

/// Who may use a route. The responder checks it before any handler runs: one gate for all.
enum Access: Sendable, Equatable {
    /// Guests and users alike.
    case open
    /// Signed-in users; guests are sent to sign in (GET) or refused (403).
    case user
    /// Admins only; everyone else gets the same 404 as for an address that does not exist.
    case admin
}

struct Endpoint: Sendable {
    let access: Access
    let handler: Handler
}

/// Every route in one table: method, path, who may use it, handler.
enum Routes {
    static func table() -> Router<Endpoint> {
        func open(_ method: String, _ path: String, _ handler: @escaping Handler) -> Router<Endpoint>.Route {
            .init(method, path, Endpoint(access: .open, handler: handler))
        }
        /// Open routes that find a room by its code: counted and refused for code guessers.
        func room(_ method: String, _ path: String, _ handler: @escaping Handler) -> Router<Endpoint>.Route {
            open(method, path, RoomHandlers.byCode(handler))
        }
        func user(_ method: String, _ path: String, _ handler: @escaping Handler) -> Router<Endpoint>.Route {
            .init(method, path, Endpoint(access: .user, handler: handler))
        }
        func admin(_ method: String, _ path: String, _ handler: @escaping Handler) -> Router<Endpoint>.Route {
            .init(method, path, Endpoint(access: .admin, handler: handler))
        }
        return Router([
            open("GET", "/", HomeHandlers.home),
            open("POST", "/rooms", RoomHandlers.create),
            room("GET", "/join", RoomHandlers.findByCode),
            room("GET", "/r/:code", RoomHandlers.show),
            room("POST", "/r/:code/join", RoomHandlers.join),
            room("GET", "/r/:code/poll", RoomHandlers.poll),
            room("GET", "/r/:code/state.json", RoomHandlers.state),
            room("POST", "/r/:code/leave", RoomHandlers.leave),
            room("GET", "/r/:code/moderate", RoomHandlers.moderate),
            room("POST", "/r/:code/timer", TimerActions.timer),
            room("POST", "/r/:code/theme", TimerActions.theme),
            room("POST", "/r/:code/slow-mode", ChatActions.slowMode),
            room("POST", "/r/:code/segments", SegmentActions.addSegment),
            room("POST", "/r/:code/segments/:id", SegmentActions.editSegment),
            room("POST", "/r/:code/segments/:id/delete", SegmentActions.deleteSegment),
            room("POST", "/r/:code/segments/:id/move", SegmentActions.moveSegment),
            room("POST", "/r/:code/tasks", TaskActions.addTask),
            room("POST", "/r/:code/tasks/:id", TaskActions.editTask),
            room("POST", "/r/:code/tasks/:id/toggle", TaskActions.toggleTask),
            room("POST", "/r/:code/tasks/:id/delete", TaskActions.deleteTask),
            room("POST", "/r/:code/proposals", ProposalActions.propose),
            room("POST", "/r/:code/proposals/:id/accept", ProposalActions.acceptProposal),
            room("POST", "/r/:code/proposals/:id/reject", ProposalActions.rejectProposal),
            room("POST", "/r/:code/messages", ChatActions.postMessage),
            room("POST", "/r/:code/messages/:id/delete", ChatActions.deleteMessage),
            room("POST", "/r/:code/participants/:id/mute", ModerationActions.moderation(.mute)),
            room("POST", "/r/:code/participants/:id/unmute", ModerationActions.moderation(.unmute)),
            room("POST", "/r/:code/participants/:id/remove", ModerationActions.moderation(.remove)),
            room("POST", "/r/:code/participants/:id/host", ModerationActions.moderation(.host)),
            open("GET", "/stats", StatsHandlers.page),
            open("GET", "/healthz", HealthHandlers.alive),
            open("GET", "/readyz", HealthHandlers.ready),

            open("GET", "/signup", SignUpHandlers.form),
            open("POST", "/signup", SignUpHandlers.submit),
            open("GET", "/login", SignInHandlers.form),
            open("POST", "/login", SignInHandlers.submit),
            open("POST", "/login/magic", SignInHandlers.requestMagicLink),
            open("POST", "/logout", SignInHandlers.signOut),
            open("GET", "/password/forgot", PasswordHandlers.forgotForm),
            open("POST", "/password/forgot", PasswordHandlers.forgot),
            open("GET", "/auth/verify", MailLinkHandlers.page(.verify)),
            open("POST", "/auth/verify", MailLinkHandlers.confirm(.verify)),
            open("GET", "/auth/magic", MailLinkHandlers.page(.magic)),
            open("POST", "/auth/magic", MailLinkHandlers.confirm(.magic)),
            open("GET", "/auth/reset", MailLinkHandlers.page(.reset)),
            open("POST", "/auth/reset", MailLinkHandlers.confirm(.reset)),
            open("GET", "/auth/delete", MailLinkHandlers.page(.delete)),
            open("POST", "/auth/delete", MailLinkHandlers.confirm(.delete)),
            open("POST", "/auth/link", OAuthHandlers.link),
            open("POST", "/auth/:provider", OAuthHandlers.start),
            open("GET", "/auth/:provider/callback", OAuthHandlers.callback),
            open("GET", "/u/:username", ProfileHandlers.show),
            open("GET", "/u/:username/avatar", ProfileHandlers.avatar),

            user("GET", "/me", ProfileHandlers.dashboard),
            user("GET", "/settings/profile", SettingsHandlers.profileForm),
            user("POST", "/settings/profile", SettingsHandlers.saveProfile),
            user("POST", "/settings/avatar", SettingsHandlers.uploadAvatar),
            user("POST", "/settings/avatar/delete", SettingsHandlers.deleteAvatar),
            user("GET", "/settings/preferences", SettingsHandlers.preferencesForm),
            user("POST", "/settings/preferences", SettingsHandlers.savePreferences),
            user("GET", "/settings/sessions", SessionHandlers.list),
            user("POST", "/settings/sessions/end-others", SessionHandlers.endOthers),
            user("POST", "/settings/sessions/:id/end", SessionHandlers.end),
            user("GET", "/settings/password", PasswordHandlers.changeForm),
            user("POST", "/settings/password", PasswordHandlers.change),
            user("GET", "/settings/account", AccountHandlers.page),
            user("GET", "/settings/export.json", AccountHandlers.export),
            user("POST", "/settings/delete", AccountHandlers.deleteWithPassword),
            user("POST", "/settings/delete/email", AccountHandlers.deleteByMail),

            admin("GET", "/admin", AdminHandlers.dashboard),
            admin("GET", "/admin/users", AdminHandlers.dashboard),
            admin("POST", "/admin/users/:id/role", AdminHandlers.setRole),
        ])
    }
}
