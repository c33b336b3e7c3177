import Domain
import Web

/// Who may use a route. The responder checks it before any handler runs: one gate for all.
enum Access: Sendable, Equatable {
    /// Guests and users alike.
    case open
    /// Signed-in users; guests are sent to sign in (GET) or refused (403).
    case user
    /// Admins only; everyone else gets the same 404 as for an address that does not exist. An
    /// admin whose session has not passed the second factor is sent to pass it (`TwoFactorGate`).
    case admin
    /// The second factor's own pages (`/admin/2fa…`): admins whose session has not passed it
    /// yet; everyone else gets the same 404 as for `.admin`.
    case adminSecondFactor
    /// A room route (`/r/:code/…`) for people who joined that room, host included; others get
    /// the room page with the reason (403). Also checked on the locked room (`RoomStore.change`).
    case participant
    /// A room route for the room's host alone; same refusal as `participant`.
    case host
    /// A room route for the host or a participant the host made DJ (the soundtrack's controls);
    /// same refusal as `participant`.
    case dj
    /// The JSON API (`/api/…`): a browser's session, guest or account, with the CSRF token in
    /// `X-CSRF-Token` on writes, or a personal API token (`Authorization: Bearer …`). `APIAuth`
    /// checks it in the handler's wrapper; errors are JSON bodies with a code.
    case api
    /// Operations (`/metrics`): clients on this host, or a scraper with POMOPOMO_METRICS_TOKEN
    /// (`MetricsAccess`); everyone else gets the same 404 as for an address that does not exist.
    case monitoring

    /// Routes that answer like a missing page to anyone they are not for, wrong methods included.
    var hidesItself: Bool { isAdminOnly || self == .monitoring }

    /// Admin-only, with or without the second factor.
    var isAdminOnly: Bool { self == .admin || self == .adminSecondFactor }

    /// What a room route asks of the person using it; nil for routes that are not about a seat.
    var roomRole: RoomRole? {
        switch self {
        case .participant: return .participant
        case .host: return .host
        case .dj: return .dj
        case .open, .user, .admin, .adminSecondFactor, .api, .monitoring: return nil
        }
    }
}

struct Endpoint: Sendable {
    let access: Access
    let handler: Handler
    /// Set on routes that take a file: their body limit and rate limit (`UploadPolicy`).
    var upload: UploadPolicy? = nil
}

/// Every route in one table: method, path, who may use it, handler.
enum Routes {
    static func table() -> Router<Endpoint> {
        func open(_ method: String, _ path: String, _ handler: @escaping Handler) -> Router<Endpoint>.Route {
            .init(method, path, Endpoint(access: .open, handler: handler))
        }
        /// Routes that find a room by its code (counted and refused for code guessers), open to
        /// anyone or only to people with a seat (`.participant`) or the host's seat (`.host`).
        func room(_ method: String, _ path: String, _ access: Access, _ handler: @escaping Handler) -> Router<Endpoint>.Route {
            .init(method, path, Endpoint(access: access, handler: RoomHandlers.byCode(handler)))
        }
        func user(_ method: String, _ path: String, _ handler: @escaping Handler) -> Router<Endpoint>.Route {
            .init(method, path, Endpoint(access: .user, handler: handler))
        }
        func api(_ method: String, _ path: String, _ handler: @escaping APIHandler) -> Router<Endpoint>.Route {
            .init(method, path, Endpoint(access: .api, handler: APIAuth.guarded(handler)))
        }
        /// A signed-in user's file upload (POST): see `UploadPolicy`.
        func upload(_ path: String, _ policy: UploadPolicy, _ handler: @escaping Handler) -> Router<Endpoint>.Route {
            .init("POST", path, Endpoint(access: .user, handler: handler, upload: policy))
        }
        func admin(_ method: String, _ path: String, _ handler: @escaping Handler) -> Router<Endpoint>.Route {
            .init(method, path, Endpoint(access: .admin, handler: handler))
        }
        /// The second factor's pages: admins only, before their session has passed it.
        func adminSecondFactor(_ method: String, _ path: String, _ handler: @escaping Handler) -> Router<Endpoint>.Route {
            .init(method, path, Endpoint(access: .adminSecondFactor, handler: handler))
        }
        /// An admin's file upload (POST): see `UploadPolicy`.
        func adminUpload(_ path: String, _ policy: UploadPolicy, _ handler: @escaping Handler) -> Router<Endpoint>.Route {
            .init("POST", path, Endpoint(access: .admin, handler: handler, upload: policy))
        }
        var routes: [Router<Endpoint>.Route] = [
            open("GET", "/", HomeHandlers.home),
            open("POST", "/rooms", RoomHandlers.create),
            room("GET", "/join", .open, RoomHandlers.findByCode),
            room("GET", "/r/:code", .open, RoomHandlers.show),
            room("POST", "/r/:code/join", .open, RoomHandlers.join),
            room("GET", "/r/:code/poll", .open, RoomHandlers.poll),
            room("GET", "/r/:code/state.json", .open, RoomHandlers.state),
            room("GET", "/r/:code/here", .open, RoomHandlers.here),
            room("POST", "/r/:code/leave", .participant, RoomHandlers.leave),
            room("GET", "/r/:code/moderate", .host, RoomHandlers.moderate),
            room("POST", "/r/:code/timer", .host, TimerActions.timer),
            room("POST", "/r/:code/theme", .host, TimerActions.theme),
            room("POST", "/r/:code/slow-mode", .host, ChatActions.slowMode),
            room("POST", "/r/:code/segments", .host, SegmentActions.addSegment),
            room("POST", "/r/:code/segments/:id", .host, SegmentActions.editSegment),
            room("POST", "/r/:code/segments/:id/delete", .host, SegmentActions.deleteSegment),
            room("POST", "/r/:code/segments/:id/move", .host, SegmentActions.moveSegment),
            room("POST", "/r/:code/tasks", .participant, TaskActions.addTask),
            room("POST", "/r/:code/tasks/from-mine", .participant, TaskActions.addFromMine),
            room("POST", "/r/:code/tasks/:id", .participant, TaskActions.editTask),
            room("POST", "/r/:code/tasks/:id/toggle", .participant, TaskActions.toggleTask),
            room("POST", "/r/:code/tasks/:id/delete", .participant, TaskActions.deleteTask),
            room("POST", "/r/:code/proposals", .participant, ProposalActions.propose),
            room("POST", "/r/:code/proposals/:id/accept", .host, ProposalActions.acceptProposal),
            room("POST", "/r/:code/proposals/:id/reject", .host, ProposalActions.rejectProposal),
            room("POST", "/r/:code/messages", .participant, ChatActions.postMessage),
            room("POST", "/r/:code/messages/:id/delete", .host, ChatActions.deleteMessage),
            room("POST", "/r/:code/participants/:id/mute", .host, ModerationActions.moderation(.mute)),
            room("POST", "/r/:code/participants/:id/unmute", .host, ModerationActions.moderation(.unmute)),
            room("POST", "/r/:code/participants/:id/remove", .host, ModerationActions.moderation(.remove)),
            room("POST", "/r/:code/participants/:id/host", .host, ModerationActions.moderation(.host)),
            room("POST", "/r/:code/invite", .participant, RoomSocialActions.invite),
            room("POST", "/r/:code/favorite", .participant, RoomSocialActions.favorite),
            room("POST", "/r/:code/unfavorite", .participant, RoomSocialActions.unfavorite),
            // The room's soundtrack (issue 16): the queue, the controls, DJs, who is behind.
            room("POST", "/r/:code/soundtrack/queue", .participant, SoundtrackQueueActions.add),
            room("POST", "/r/:code/soundtrack/entries/:id/accept", .dj, SoundtrackQueueActions.accept),
            room("POST", "/r/:code/soundtrack/entries/:id/reject", .dj, SoundtrackQueueActions.reject),
            room("POST", "/r/:code/soundtrack/entries/:id/move", .dj, SoundtrackQueueActions.move),
            room("POST", "/r/:code/soundtrack/entries/:id/delete", .dj, SoundtrackQueueActions.remove),
            room("POST", "/r/:code/soundtrack/play", .dj, SoundtrackPlaybackActions.control(.play)),
            room("POST", "/r/:code/soundtrack/pause", .dj, SoundtrackPlaybackActions.control(.pause)),
            room("POST", "/r/:code/soundtrack/seek", .dj, SoundtrackPlaybackActions.seek),
            room("POST", "/r/:code/soundtrack/skip", .dj, SoundtrackPlaybackActions.control(.skip)),
            room("POST", "/r/:code/soundtrack/mode", .dj, SoundtrackPlaybackActions.mode),
            room("POST", "/r/:code/soundtrack/proposals", .host, SoundtrackPlaybackActions.proposals),
            room("POST", "/r/:code/soundtrack/behind", .participant, SoundtrackLagHandlers.report),
            room("GET", "/r/:code/soundtrack/behind", .dj, SoundtrackLagHandlers.list),
            room("POST", "/r/:code/participants/:id/dj", .host, ModerationActions.moderation(.dj)),
            room("POST", "/r/:code/participants/:id/undj", .host, ModerationActions.moderation(.undj)),
            // Reports (issue 17): by signed-in participants, of the room, a chat message or a public task.
            room("GET", "/r/:code/report", .participant, ReportHandlers.form(.room)),
            room("POST", "/r/:code/report", .participant, ReportHandlers.submit(.room)),
            room("GET", "/r/:code/messages/:id/report", .participant, ReportHandlers.form(.chatMessage)),
            room("POST", "/r/:code/messages/:id/report", .participant, ReportHandlers.submit(.chatMessage)),
            room("GET", "/r/:code/tasks/:id/report", .participant, ReportHandlers.form(.roomTask)),
            room("POST", "/r/:code/tasks/:id/report", .participant, ReportHandlers.submit(.roomTask)),
            open("GET", "/timer", TimerHandlers.page),
            open("GET", "/timer/poll", TimerHandlers.poll),
            open("POST", "/timer/start", TimerHandlers.control(.start)),
            open("POST", "/timer/pause", TimerHandlers.control(.pause)),
            open("POST", "/timer/resume", TimerHandlers.control(.resume)),
            open("POST", "/timer/skip", TimerHandlers.control(.skip)),
            open("POST", "/timer/reset", TimerHandlers.control(.reset)),
            open("POST", "/timer/stop", TimerHandlers.control(.stop)),
            open("POST", "/timer/break", TimerHandlers.control(.startBreak)),
            open("GET", "/stats", StatsHandlers.page),
            open("GET", "/timer/history", TimerHistoryHandlers.page),
            open("GET", "/leaderboards", LeaderboardHandlers.page),
            user("GET", "/leaderboards/report", LeaderboardReportHandlers.form),
            user("POST", "/leaderboards/report", LeaderboardReportHandlers.submit),
            open("GET", "/healthz", HealthHandlers.alive),

            api("GET", "/api/timer", TimerAPIHandlers.timer),
            api("PUT", "/api/configuration", TimerAPIHandlers.configuration),
            api("PUT", "/api/configuration/timezone", TimerAPIHandlers.timezone),
            api("PUT", "/api/session-count", TimerAPIHandlers.sessionCount),
            open("GET", "/timer/settings", TimerSettingsHandlers.guestForm),
            open("POST", "/timer/settings", TimerSettingsHandlers.guestSave),
            open("POST", "/timer/count", TimerSettingsHandlers.setCount),
            open("GET", "/readyz", HealthHandlers.ready),
            .init("GET", "/metrics", Endpoint(access: .monitoring, handler: MetricsHandlers.scrape)),

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
            open("GET", "/u/:username/stats", UserStatsHandlers.page),
            user("GET", "/u/:username/report", ReportHandlers.form(.profile)),
            user("POST", "/u/:username/report", ReportHandlers.submit(.profile)),
            user("GET", "/reports/sent", ReportHandlers.sent),

            user("GET", "/me", ProfileHandlers.dashboard),
            user("GET", "/me/achievements/notice", AchievementHandlers.notice),
            user("GET", "/me/poll", UserLiveHandlers.poll),
            user("POST", "/me/achievements/seen", AchievementHandlers.seen),
            user("POST", "/me/favorites/:id/restart", FavoriteRoomHandlers.restart),
            user("POST", "/me/favorites/:id/delete", FavoriteRoomHandlers.remove),
            user("GET", "/me/vault", VaultHandlers.list),
            user("POST", "/me/vault", VaultHandlers.add),
            user("GET", "/me/vault/random", VaultHandlers.random),
            user("POST", "/me/vault/preference", VaultHandlers.preference),
            user("GET", "/me/vault/export.md", VaultTransferHandlers.export),
            user("GET", "/me/vault/import", VaultTransferHandlers.importForm),
            user("POST", "/me/vault/import", VaultTransferHandlers.importQuotes),
            user("GET", "/me/vault/:id/edit", VaultQuoteHandlers.editForm),
            user("POST", "/me/vault/:id", VaultQuoteHandlers.edit),
            user("POST", "/me/vault/:id/delete", VaultQuoteHandlers.delete),
            user("POST", "/me/vault/:id/favourite", VaultQuoteHandlers.favourite(true)),
            user("POST", "/me/vault/:id/unfavourite", VaultQuoteHandlers.favourite(false)),
            user("GET", "/me/board", BoardHandlers.latest),
            user("POST", "/me/board", BoardHandlers.create),
            user("GET", "/me/board/:id.svg", BoardHandlers.svg),
            user("GET", "/me/board/:id", BoardHandlers.show),
            user("POST", "/me/board/:id/rename", BoardHandlers.rename),
            user("POST", "/me/board/:id/delete", BoardHandlers.delete),
            user("POST", "/me/board/:id/notes", BoardNoteHandlers.add),
            user("POST", "/me/board/:id/notes/:note", BoardNoteHandlers.edit),
            user("POST", "/me/board/:id/notes/:note/move", BoardNoteHandlers.move),
            user("POST", "/me/board/:id/notes/:note/delete", BoardNoteHandlers.delete),
            user("POST", "/me/board/:id/strokes", BoardStrokeHandlers.draw),
            user("POST", "/me/board/:id/strokes/clear", BoardStrokeHandlers.clear),
            user("GET", "/me/board/:id/history", BoardHistoryHandlers.list),
            user("POST", "/me/board/:id/history/:kept/restore", BoardHistoryHandlers.restore),
            user("GET", "/me/tasks", PrivateTaskHandlers.page),
            user("POST", "/me/tasks", PrivateTaskHandlers.add),
            user("POST", "/me/tasks/lists", PrivateTaskListHandlers.create),
            user("POST", "/me/tasks/lists/:id", PrivateTaskListHandlers.rename),
            user("POST", "/me/tasks/lists/:id/delete", PrivateTaskListHandlers.delete),
            user("POST", "/me/tasks/:id", PrivateTaskHandlers.edit),
            user("POST", "/me/tasks/:id/complete", PrivateTaskHandlers.complete),
            user("POST", "/me/tasks/:id/reopen", PrivateTaskHandlers.reopen),
            user("POST", "/me/tasks/:id/delete", PrivateTaskHandlers.delete),
            user("POST", "/me/tasks/:id/move", PrivateTaskHandlers.move),
            user("POST", "/me/tasks/:id/place", PrivateTaskHandlers.place),
            // The journal's insights and exports (issue 15).
            user("GET", "/journal/insights", JournalInsightsHandlers.page),
            user("GET", "/journal/export.csv", JournalExportHandlers.csv),
            user("GET", "/journal/export.json", JournalExportHandlers.json),
            user("GET", "/notifications", NotificationHandlers.page),
            user("POST", "/notifications/read", NotificationHandlers.markAllRead),
            user("POST", "/notifications/:id/open", NotificationHandlers.open),
            user("GET", "/messages", MessageHandlers.list),
            user("GET", "/messages/:username", MessageHandlers.conversation),
            user("POST", "/messages/:username", MessageHandlers.send),
            user("GET", "/messages/:username/frame", MessageLiveHandlers.frame),
            user("GET", "/messages/:username/after/:id", MessageLiveHandlers.after),
            user("POST", "/messages/:username/:id/delete", MessageHandlers.delete),
            user("GET", "/messages/:username/:id/report", MessageReportHandlers.form),
            user("POST", "/messages/:username/:id/report", MessageReportHandlers.submit),
            user("GET", "/settings/profile", SettingsHandlers.profileForm),
            user("POST", "/settings/profile", SettingsHandlers.saveProfile),
            user("POST", "/settings/avatar", SettingsHandlers.uploadAvatar),
            user("POST", "/settings/avatar/delete", SettingsHandlers.deleteAvatar),
            user("GET", "/settings/preferences", SettingsHandlers.preferencesForm),
            user("POST", "/settings/preferences", SettingsHandlers.savePreferences),
            user("GET", "/settings/timer", TimerSettingsHandlers.form),
            user("POST", "/settings/timer", TimerSettingsHandlers.save),
            user("GET", "/settings/api", APITokenHandlers.page),
            user("POST", "/settings/api", APITokenHandlers.create),
            user("POST", "/settings/api/:id/revoke", APITokenHandlers.revoke),
            user("POST", "/settings/leaderboards", LeaderboardSettingsHandlers.save),
            user("POST", "/settings/social", MessageSettingsHandlers.save),
            user("GET", "/settings/sessions", SessionHandlers.list),
            user("POST", "/settings/sessions/end-others", SessionHandlers.endOthers),
            user("POST", "/settings/sessions/:id/end", SessionHandlers.end),
            user("GET", "/settings/password", PasswordHandlers.changeForm),
            user("POST", "/settings/password", PasswordHandlers.change),
            user("GET", "/settings/account", AccountHandlers.page),
            user("GET", "/settings/export.json", AccountHandlers.export),
            user("POST", "/settings/delete", AccountHandlers.deleteWithPassword),
            user("POST", "/settings/delete/email", AccountHandlers.deleteByMail),

            user("GET", "/friends", FriendHandlers.page),
            user("POST", "/friends/requests", FriendHandlers.request),
            user("POST", "/friends/requests/:id/accept", FriendHandlers.accept),
            user("POST", "/friends/requests/:id/decline", FriendHandlers.decline),
            user("POST", "/friends/requests/:id/cancel", FriendHandlers.cancel),
            user("POST", "/friends/unfriend", FriendHandlers.unfriend),
            user("POST", "/friends/block", BlockHandlers.block),
            user("POST", "/friends/unblock", BlockHandlers.unblock),

            // The music library, playlists and liked songs (issue 16); the catalogue's /music pages sit beside them.
            open("GET", "/music/library", LibraryHandlers.page),
            open("GET", "/music/tracks/:id/file", TrackFileHandlers.file),
            user("POST", "/music/tracks/:id/like", LikedHandlers.like),
            user("POST", "/music/tracks/:id/unlike", LikedHandlers.unlike),
            user("POST", "/music/tracks/:id/playlist", PlaylistTrackHandlers.add),
            user("GET", "/music/liked", LikedHandlers.page),
            user("GET", "/music/playlists", PlaylistHandlers.list),
            user("POST", "/music/playlists", PlaylistHandlers.create),
            user("GET", "/music/playlists/:id", PlaylistHandlers.show),
            user("POST", "/music/playlists/:id", PlaylistHandlers.rename),
            user("POST", "/music/playlists/:id/delete", PlaylistHandlers.delete),
            user("POST", "/music/playlists/:id/tracks/:track/remove", PlaylistTrackHandlers.remove),
            user("POST", "/music/playlists/:id/tracks/:track/move", PlaylistTrackHandlers.move),

            // Voice notes in the journal (issue 15): the owner's alone, played through nginx.
            upload("/journal/audio", VoiceNoteHandlers.uploadPolicy, VoiceNoteHandlers.upload),
            user("GET", "/journal/audio/:id", VoiceNoteHandlers.play),
            user("POST", "/journal/audio/:id/delete", VoiceNoteHandlers.delete),
            // The music catalogue (issue 16): open to guests too, who choose music for a room they joined.
            open("GET", "/music", CatalogueHandlers.home),
            open("GET", "/music/search", CatalogueHandlers.search),
            open("GET", "/music/tracks/:id", CatalogueHandlers.track),
            open("GET", "/music/tracks/:id/stream", CatalogueHandlers.stream),

            // A voice note's transcript (issue 15): the owner's alone.
            user("GET", "/journal/audio/:id/transcript", TranscriptHandlers.editForm),
            user("POST", "/journal/audio/:id/transcript", TranscriptHandlers.save),
            user("GET", "/journal/audio/:id/note.json", TranscriptHandlers.fragment),
            // The focus journal's flow and day list (the timer's own forms carry its chips).
            user("GET", "/journal", JournalHandlers.page),
            user("POST", "/journal/start", JournalHandlers.start),
            user("GET", "/journal/sessions/:id", JournalHandlers.sessionPage),
            user("POST", "/journal/sessions/:id/pause", JournalHandlers.step(.pause)),
            user("POST", "/journal/sessions/:id/resume", JournalHandlers.step(.resume)),
            user("POST", "/journal/sessions/:id/complete", JournalHandlers.step(.complete)),
            user("POST", "/journal/sessions/:id/end", JournalHandlers.step(.end)),
            user("POST", "/journal/sessions/:id/intent", JournalHandlers.intent),
            user("POST", "/journal/interruptions/:id/category", JournalHandlers.category),
            user("POST", "/journal/breaks/:id/activity", JournalHandlers.activity),
            user("POST", "/journal/breaks/:id/end", JournalHandlers.endBreak),

            admin("GET", "/admin", AdminDashboardHandlers.page),
            admin("GET", "/admin/users", AdminUserHandlers.search),
            admin("GET", "/admin/users/:id", AdminUserHandlers.show),
            admin("POST", "/admin/users/:id/role", AdminUserHandlers.role),
            admin("POST", "/admin/users/:id/suspend", AdminUserHandlers.suspend),
            admin("POST", "/admin/users/:id/ban", AdminUserHandlers.ban),
            admin("POST", "/admin/users/:id/lift", AdminUserHandlers.lift),
            admin("POST", "/admin/users/:id/sessions/end", AdminUserHandlers.endSessions),
            admin("POST", "/admin/users/:id/delete", AdminUserHandlers.delete),
            admin("POST", "/admin/leaderboards/:id/hide", LeaderboardAdminHandlers.hide),
            admin("POST", "/admin/leaderboards/:id/unhide", LeaderboardAdminHandlers.unhide),
            admin("GET", "/admin/library", LibraryAdminHandlers.page),
            adminUpload("/admin/library", LibraryAdminHandlers.uploadPolicy, LibraryAdminHandlers.upload),
            admin("POST", "/admin/library/:id/delete", LibraryAdminHandlers.delete),
            // Admins' second factor (issue 17): every other admin route needs it passed in this session.
            adminSecondFactor("GET", "/admin/2fa", TwoFactorHandlers.verifyForm),
            adminSecondFactor("POST", "/admin/2fa", TwoFactorHandlers.verify),
            adminSecondFactor("GET", "/admin/2fa/enrol", TwoFactorHandlers.enrolForm),
            adminSecondFactor("POST", "/admin/2fa/enrol", TwoFactorHandlers.enrol),
            admin("GET", "/admin/2fa/recovery-codes", TwoFactorHandlers.recoveryForm),
            admin("POST", "/admin/2fa/recovery-codes", TwoFactorHandlers.regenerate),
            // Moderation (issue 17): the audit log.
            admin("GET", "/admin/audit", AdminAuditHandlers.page),
            admin("GET", "/admin/audit.csv", AdminAuditHandlers.csv),
            admin("GET", "/admin/reports", AdminReportHandlers.queue),
            admin("GET", "/admin/reports/:id", AdminReportHandlers.show),
            admin("POST", "/admin/reports/:id/resolve", AdminReportHandlers.resolve),
            admin("POST", "/admin/reports/:id/dismiss", AdminReportHandlers.dismiss),
            admin("GET", "/admin/rooms", AdminRoomHandlers.list),
            admin("GET", "/admin/rooms/:code", AdminRoomHandlers.show),
            admin("POST", "/admin/rooms/:code/close", AdminRoomHandlers.close),
            admin("POST", "/admin/rooms/:code/messages/:id/remove", AdminRoomHandlers.removeMessage),
            admin("POST", "/admin/rooms/:code/participants/:id/mute", AdminRoomHandlers.moderate(.mute)),
            admin("POST", "/admin/rooms/:code/participants/:id/unmute", AdminRoomHandlers.moderate(.unmute)),
            admin("POST", "/admin/rooms/:code/participants/:id/remove", AdminRoomHandlers.moderate(.remove)),
        ]
        #if DEBUG
        // Test-only routes: debug builds (make test) only; a release build has none of them.
        routes += [open("POST", "/_test/daily-resets/run", DailyResetTestHandlers.run)]
        routes += [.init("GET", "/_test/journal/voice", Endpoint(access: .user, handler: VoiceNoteTestHandlers.page))]
        #endif
        return Router(routes)
    }
}
