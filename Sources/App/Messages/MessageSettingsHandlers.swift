import Domain
import Web

/// Two choices on Settings → Preferences: who may send me direct messages (friends, or anyone
/// signed in; blocked people never), and whether friends see me as offline whatever I do.
enum MessageSettingsHandlers {
    /// POST /settings/social (message_policy=friends|anyone, appear_offline=on or absent)
    static let save: Handler = { ctx in
        let account = try AccountFlow.signedInAccount(ctx)
        let form = try ctx.form()
        let policies = form.values("message_policy")
        let offline = form.values("appear_offline")
        guard policies.count == 1, let policy = policies.first.flatMap(MessagePolicy.init(rawValue:)) else {
            return try SettingsHandlers.preferencesPage(ctx, account, socialError: "Choose who may message you: friends, or anyone signed in.")
        }
        guard offline.isEmpty || offline == ["on"] else {
            return try SettingsHandlers.preferencesPage(ctx, account, socialError: "“Appear offline to friends” is either checked or not.")
        }
        try MessageStore(database: ctx.services.database).saveSettings(of: account.id, policy: policy, appearOffline: offline == ["on"])
        return .response(.redirect(to: "/settings/preferences?saved=1#social"))
    }

    /// What the preferences page shows of the two choices.
    static func context(_ ctx: RequestContext, userID: String) throws -> TemplateContext {
        let settings = try MessageStore(database: ctx.services.database).settings(of: userID)
        return ["policy_anyone": .bool(settings.policy == .anyone), "appear_offline": .bool(settings.appearOffline)]
    }
}
