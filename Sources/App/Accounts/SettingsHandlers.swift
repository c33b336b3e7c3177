import Domain
import Foundation
import Web

enum SettingsHandlers {
    /// GET /settings/profile
    static let profileForm: Handler = { ctx in try profilePage(ctx, try AccountFlow.signedInAccount(ctx)) }

    static func profilePage(
        _ ctx: RequestContext, _ account: Account, error: String? = nil, avatarError: String? = nil,
        kept: Bool = false
    ) throws -> Outcome {
        var context = ProfileHandlers.profileContext(account)
        context["section_profile"] = .bool(true)
        context["display_name_input"] = .text(kept ? try ctx.field("display_name") : account.displayName)
        context["username_input"] = .text(kept ? try ctx.field("username") : account.username)
        context["bio_input"] = .text(kept ? try ctx.field("bio") : account.bio)
        context["links_input"] = .text(kept ? try ctx.field("links") : account.socialLinks.joined(separator: "\n"))
        context["show_recent_rooms"] = .bool(kept ? try ctx.field("show_recent_rooms") == "on" : account.showRecentRooms)
        let stored = try UserStatsStore(database: ctx.services.database).visibility(userID: account.id)
        // A refused form shows the choice as sent when it was one of the offered, else the stored one.
        let shown = kept ? (StatsVisibility(choice: try ctx.field("stats_visibility")) ?? stored) : stored
        context["stats_everyone"] = .bool(shown == .everyone)
        context["stats_friends"] = .bool(shown == .friends)
        context["stats_only_me"] = .bool(shown == .onlyMe)
        context["has_avatar"] = .bool(account.avatarFile != nil)
        context["max_avatar_kib"] = .text(String(Avatars.maxBytes / 1024))
        if let error { context["error"] = .text(error) }
        if let avatarError { context["avatar_error"] = .text(avatarError) }
        let refused = error != nil || avatarError != nil
        return Views.page("settings_profile", title: "Your profile", context, ctx: ctx, status: refused ? .unprocessableEntity : .ok)
    }

    /// POST /settings/profile
    static let saveProfile: Handler = { ctx in
        try ctx.limit(ctx.services.config.rateLimits.profileWrites)
        let account = try AccountFlow.signedInAccount(ctx)
        func refuse(_ message: String) throws -> Outcome { try profilePage(ctx, account, error: message, kept: true) }
        let (nameText, usernameText, bio, linksText) = (
            try ctx.field("display_name"), try ctx.field("username"),
            try ctx.field("bio"), try ctx.field("links")
        )
        let displayName: DisplayName
        let username: Username
        let links: SocialLinks
        do throws(DisplayName.Problem) { displayName = try DisplayName(validating: nameText) } catch { return try refuse(error.description) }
        do throws(Username.Problem) { username = try Username(validating: usernameText) } catch { return try refuse(error.description) }
        do throws(SocialLinks.Problem) { links = try SocialLinks(validating: linksText) } catch { return try refuse(error.description) }
        if bio.count > 2000 { return try refuse("A bio can be at most 2,000 characters long.") }
        if bio.unicodeScalars.contains(where: { $0.value == 0 }) { return try refuse("The bio contains a character that cannot be stored.") }
        let show = try ctx.field("show_recent_rooms")
        guard show.isEmpty || show == "on" else { return try refuse("“Show my recent rooms” is either checked or not.") }
        // Absent (an older form): left as it is.
        let statsChoice = try ctx.field("stats_visibility")
        let statsVisibility = StatsVisibility(choice: statsChoice)
        guard statsChoice.isEmpty || statsVisibility != nil else {
            return try refuse("Choose who can see your focus stats: everyone, your friends or only you.")
        }
        let change = UserStore.ProfileChange(
            displayName: displayName, username: username, bio: bio, links: links, showRecentRooms: show == "on",
            statsVisibility: statsVisibility)
        guard try UserStore(database: ctx.services.database).updateProfile(account.id, change) else {
            return try refuse("That username is taken. Please choose another.")
        }
        return .response(.redirect(to: "/u/" + username.value))
    }

    /// POST /settings/avatar (multipart): PNG, JPEG or WebP by its bytes, at most 1 MiB.
    static let uploadAvatar: Handler = { ctx in
        try ctx.limit(ctx.services.config.rateLimits.avatarWrites)
        let account = try AccountFlow.signedInAccount(ctx)
        func refuse(_ message: String) throws -> Outcome { try profilePage(ctx, account, avatarError: message) }
        guard Multipart.boundary(fromContentType: ctx.request.contentType) != nil else {
            return try refuse("Choose an image file to upload.")
        }
        guard let file = try ctx.upload("avatar"), !file.body.isEmpty else { return try refuse("Choose an image file to upload.") }
        if file.body.count > Avatars.maxBytes {
            return try refuse("That image is larger than \(Avatars.maxBytes / 1024) KiB. Please choose a smaller one.")
        }
        guard let kind = Avatars.sniff(file.body) else {
            return try refuse("That file is not a PNG, JPEG or WebP image (whatever its name says).")
        }
        let name: String
        do { name = try Avatars.store(file.body, kind: kind, services: ctx.services) } catch is Avatars.StorageFull {
            return try refuse("The picture could not be saved right now (the server's storage is full). Nothing was changed.")
        }
        do {
            let old = try UserStore(database: ctx.services.database).setAvatar(account.id, file: name, type: kind.rawValue)
            if let old { Avatars.remove(old, services: ctx.services) }
        } catch {
            Avatars.remove(name, services: ctx.services)
            throw error
        }
        return .response(.redirect(to: "/settings/profile"))
    }

    /// POST /settings/avatar/delete
    static let deleteAvatar: Handler = { ctx in
        try ctx.limit(ctx.services.config.rateLimits.avatarWrites)
        let account = try AccountFlow.signedInAccount(ctx)
        if let old = try UserStore(database: ctx.services.database).setAvatar(account.id, file: nil, type: nil) {
            Avatars.remove(old, services: ctx.services)
        }
        return .response(.redirect(to: "/settings/profile"))
    }

    /// GET /settings/preferences
    static let preferencesForm: Handler = { ctx in try preferencesPage(ctx, try AccountFlow.signedInAccount(ctx)) }

    static func preferencesPage(
        _ ctx: RequestContext, _ account: Account, error: String? = nil, socialError: String? = nil, saved: Bool = false
    ) throws -> Outcome {
        let kept = error != nil
        let theme = kept ? try ctx.field("theme") : account.theme
        var context: TemplateContext = [
            "section_preferences": .bool(true),
            "themes": RoomViews.themes(selected: Theme(rawValue: theme)?.rawValue ?? account.theme),
            "sound_on": .bool(kept ? try ctx.field("sound") != "off" : account.soundOn),
            "timezone_input": .text(kept ? try ctx.field("timezone") : account.timezone),
            "timezones": timeZoneChoices,
        ]
        if let error { context["error"] = .text(error) }
        if saved || ctx.request.query.values("saved").first == "1" { context["saved"] = .bool(true) }
        context.merge(try LeaderboardSettingsHandlers.context(ctx, userID: account.id))
        context.merge(try MessageSettingsHandlers.context(ctx, userID: account.id))
        if let socialError { context["social_error"] = .text(socialError) }
        let refused = kept || socialError != nil
        return Views.page("settings_preferences", title: "Preferences", context, ctx: ctx, status: refused ? .unprocessableEntity : .ok)
    }

    /// The datalist of zone names, built once (about 600 entries).
    static let timeZoneChoices: TemplateValue = .list(TimeZone.knownTimeZoneIdentifiers.sorted().map { ["name": .text($0)] })

    /// An IANA zone name the system's tz database has a file for (current and old names alike,
    /// e.g. Asia/Kolkata and Asia/Calcutta); the pattern keeps paths out.
    static func isKnownTimeZone(_ zone: String) -> Bool {
        guard zone.utf8.count <= 64, zone.range(of: "^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$", options: .regularExpression) != nil
        else { return false }
        return TimeZone(identifier: zone) != nil
            && (zone == "UTC" || FileManager.default.fileExists(atPath: "/usr/share/zoneinfo/" + zone))
    }

    /// POST /settings/preferences
    static let savePreferences: Handler = { ctx in
        let account = try AccountFlow.signedInAccount(ctx)
        let (themeText, sound, zone) = (try ctx.field("theme"), try ctx.field("sound"), try ctx.field("timezone"))
        guard let theme = Theme(rawValue: themeText) else { return try preferencesPage(ctx, account, error: "Choose one of the listed themes.") }
        guard sound == "on" || sound == "off" else { return try preferencesPage(ctx, account, error: "Sound is either on or off.") }
        guard isKnownTimeZone(zone) else {
            return try preferencesPage(
                ctx, account, error: "“\(zone.prefix(64))” is not a time zone we know. Use a name like Europe/Paris or America/New_York.")
        }
        // The personal timer (if the account has one) moves to the zone in the same transaction:
        // its day is settled in the old zone, then in the new one (TimerConfiguration).
        let now = ctx.now
        let device = DeviceCookie(ctx)
        let moved = try ctx.services.database.transaction { conn -> (channel: String, version: Int)? in
            // Read before the zone is written: the in-memory copy keeps the old zone to settle in.
            let owner = PersonalTimerOwner.user(account.id)
            let timer = try PersonalTimerStore.find(owner, on: conn) == nil ? nil : try PersonalTimerStore.lock(owner, now: now, on: conn)
            try UserStore.updatePreferences(account.id, theme: theme.rawValue, soundOn: sound == "on", timezone: zone, on: conn)
            guard var t = timer else { return nil }
            var changed = try DailyReset.settle(&t, type: .automatic, now: now, device: nil, on: conn)
            if t.zone != zone {
                try TimerConfiguration.zoneChanged(&t, to: zone, now: now, device: device.id, on: conn)
                changed = true
            }
            return changed ? (t.channel, try PersonalTimerStore.bump(t.id, on: conn)) : nil
        }
        if let moved { ctx.announceAfterCommit([moved]) }
        var response = Response.redirect(to: "/settings/preferences?saved=1")
        if moved != nil { device.add(to: &response, secure: ctx.services.config.secureCookies) }
        return .response(response)
    }
}
