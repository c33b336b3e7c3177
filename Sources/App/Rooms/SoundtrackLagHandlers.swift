import Domain
import Foundation
import Web

/// "Who is behind": listeners' players report when they fall behind the room (Public/js/soundtrack.js),
/// and the host's or a DJ's page asks now and then (`ListenerLag`). Nothing here touches PostgreSQL.
enum SoundtrackLagHandlers {
    /// POST /r/:code/soundtrack/behind (behind_ms: how far this listener's player is behind, 0 when
    /// in step again). 204.
    static let report: Handler = { ctx in
        let raw = try ctx.field("behind_ms")
        guard !raw.isEmpty, raw.count <= 8, raw.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let behindMs = Int(raw) else {
            throw ClientError.badRequest("behind_ms must be a whole number of milliseconds (0 when in step).")
        }
        let snapshot = try RoomHandlers.present(ctx, try RoomHandlers.parseCode(ctx))
        // The route is for participants (the gate checked); a seat gone since is not an error worth a page.
        if let me = snapshot.member(for: ctx.session) {
            ListenerLag.record(
                roomID: snapshot.room.id, participantID: me.id, behindMs: behindMs, memberCount: snapshot.members.count,
                redis: ctx.services.redis)
        }
        return .response(Response(status: .noContent))
    }

    /// GET /r/:code/soundtrack/behind: for the host or a DJ.
    static let list: Handler = { ctx in
        let snapshot = try RoomHandlers.present(ctx, try RoomHandlers.parseCode(ctx))
        let lag = ListenerLag.read(roomID: snapshot.room.id, memberCount: snapshot.members.count, redis: ctx.services.redis)
        let wanted = Set(lag.furthest.map(\.id))
        var names: [String: String] = [:]
        for member in snapshot.members where wanted.contains(member.id) { names[member.id] = member.name }
        let listeners = lag.furthest.compactMap { entry in
            names[entry.id].map { SoundtrackBehindJSON.Listener(id: entry.id, name: $0, behindMs: entry.behindMs) }
        }
        return .response(.json(JSONBody.encode(SoundtrackBehindJSON(behind: max(lag.count, listeners.count), listeners: listeners))))
    }
}
