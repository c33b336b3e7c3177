import Domain
import Web

/// `GET /me/poll?since=V`: the signed-in person's one live channel (see `UserChannel`). Answers
/// at once when the channel's version differs from `since`, else parks until it moves.
enum UserLiveHandlers {
    static let poll: Handler = { ctx in
        let sinceText = try ctx.request.query.value("since") ?? ""
        guard !sinceText.isEmpty, sinceText.count <= 15, sinceText.allSatisfy({ $0.isASCII && $0.isNumber }), let since = Int(sinceText) else {
            throw ClientError.badRequest("since must be the last version you saw: a non-negative whole number.")
        }
        guard let user = try ctx.user else { throw ClientError.forbidden("Please sign in first.") }
        let channel = UserChannel.name(user.id)
        guard let snapshot = try UserChannelFeed.snapshot(services: ctx.services)(channel) else {
            throw ClientError.notFound("This account no longer exists.")
        }
        if snapshot.version != since {
            // A version this process was already woken with: wait for what comes next.
            if snapshot.version < since, let known = ctx.services.hub.latestVersion(of: channel), known >= since {
                return .park(channel: channel, since: since, variant: .everyone)
            }
            return .response(.json(snapshot.body(since, .everyone)))
        }
        return .park(channel: channel, since: since, variant: .everyone)
    }
}
