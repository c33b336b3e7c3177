import Domain
import Foundation
import Web

/// How achievements look: the notice every page carries until its owner dismisses it, and the
/// list on a profile.
enum AchievementViews {
    /// The notice for achievements `user` has not dismissed, or nil when there are none. `next`
    /// is where "Got it" leads back to.
    static func notice(_ user: CurrentUser, csrf: String, next: String) -> TemplateContext? {
        let unseen = user.unseenAchievements
        guard let first = unseen.first else { return nil }
        return [
            "heading": .text(unseen.count == 1 ? "You earned \(first.title)" : "You earned \(unseen.count) achievements"),
            "achievements": .list(unseen.map { ["name": .text($0.rawValue), "title": .text($0.title), "summary": .text($0.summary)] }),
            "csrf": .text(csrf), "next": .text(AccountFlow.safeNext(next)), "username": .text(user.username),
        ]
    }

    /// A profile's achievements, dated in the viewer's zone.
    static func list(_ earned: [AchievementStore.Earned], timezone: String?) -> TemplateValue {
        .list(
            earned.map { item in
                let epoch = item.earnedAt.timeIntervalSince1970
                return [
                    "title": .text(item.achievement.title), "summary": .text(item.achievement.summary),
                    "earned_on": .text(AccountFlow.format(epoch, timezone: timezone).components(separatedBy: ",").first ?? ""),
                    "earned_iso": .text(ISO8601DateFormatter().string(from: item.earnedAt)),
                ]
            })
    }
}
