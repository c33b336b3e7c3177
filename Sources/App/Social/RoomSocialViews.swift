import Domain
import Web

/// The parts of a room page that belong to one signed-in participant: the star and the invite
/// form (their own friends). They go into the page's per-viewer context, never into the shared
/// fragments every viewer gets (`RoomViews.sharedParts`).
enum RoomSocialViews {
    /// Context keys for the room template's `social` section; empty for guests and visitors
    /// without a seat (they cost no query). A failing read leaves the section out rather than
    /// failing the room page. `checked`: the usernames the invite form had ticked (after a refusal).
    static func context(_ ctx: RequestContext, _ snapshot: RoomSnapshot, checked: [String] = []) -> TemplateContext {
        guard snapshot.member(for: ctx.session) != nil, let user = ctx.userForChrome,
            let panel = try? RoomInviteStore(database: ctx.services.database).panel(userID: user.id, roomID: snapshot.room.id)
        else { return [:] }
        let code = snapshot.room.code.display
        let ticked = Set(checked.map { $0.lowercased() })
        let shown = panel.friends.prefix(RoomInviteStore.formFriends)
        var social: TemplateContext = [
            "code": .text(code), "starred": .bool(panel.starred), "has_friends": .bool(!shown.isEmpty),
            "friends": .list(
                shown.enumerated().map { index, friend in
                    [
                        "index": .text(String(index)), "username": .text(friend.username), "name": .text(friend.displayName),
                        "again": .bool(friend.again),
                        "checked": .bool(checked.isEmpty ? friend.again : ticked.contains(friend.username.lowercased())),
                    ]
                }),
            "more_friends": .bool(panel.friends.count > RoomInviteStore.formFriends),
        ]
        if let sent = invitedCount(ctx) {
            social["sent"] = .text(sent == 1 ? "Invitation sent." : "Invitations sent to \(sent) friends.")
        }
        return ["social": .object(social)]
    }

    /// `?invited=N` after a successful invite (1 to `RoomSocialActions.maxAtOnce`); anything else is ignored.
    private static func invitedCount(_ ctx: RequestContext) -> Int? {
        guard let text = try? ctx.request.query.value("invited"), text.count <= 2, text.allSatisfy(\.isASCII),
            let n = Int(text), (1...RoomSocialActions.maxAtOnce).contains(n)
        else { return nil }
        return n
    }
}
