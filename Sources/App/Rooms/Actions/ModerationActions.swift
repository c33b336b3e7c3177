import Domain
import Foundation
import Postgres
import Web

/// The host's moderation of participants (from /r/{CODE}/moderate).
enum ModerationActions {
    /// POST /r/:code/participants/:id/(mute|unmute|remove|host)
    static func moderation(_ action: ModerationStore.Action) -> Handler {
        { ctx in
            try RoomAction.act(ctx, back: action == .host ? .room : .moderation) { conn, room in
                try ModerationStore.apply(action, to: RoomAction.id(ctx), room: room, on: conn)
            }
        }
    }
}
