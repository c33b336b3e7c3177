import Domain
import Foundation
import Postgres
import Web

/// The host or a DJ plays, pauses, seeks and skips, and chooses how the music follows the timer;
/// the host decides whether guests may propose tracks.
enum SoundtrackPlaybackActions {
    /// POST /r/:code/soundtrack/(play|pause|skip); `entry`: the track the page showed (skip).
    static func control(_ control: SoundtrackControl) -> Handler {
        { ctx in
            let entry = try ctx.field("entry")
            return try RoomAction.act(ctx, anchor: "#soundtrack") { conn, room in
                try SoundtrackStore.control(control, seenEntry: entry.isEmpty ? nil : entry, room: room, on: conn)
            }
        }
    }

    /// POST /r/:code/soundtrack/seek (entry, position: seconds or m:ss, within the track)
    static let seek: Handler = { ctx in
        let (entry, position) = (try ctx.field("entry"), try ctx.field("position"))
        return try RoomAction.act(ctx, anchor: "#soundtrack") { conn, room in
            try SoundtrackStore.control(
                .seek(ms: try SeekPosition.milliseconds(position)), seenEntry: entry.isEmpty ? nil : entry, room: room, on: conn)
        }
    }

    /// POST /r/:code/soundtrack/mode (mode=always|breaks|quieter)
    static let mode: Handler = { ctx in
        let raw = try ctx.field("mode")
        return try RoomAction.act(ctx, anchor: "#soundtrack") { conn, room in
            guard let mode = SoundtrackMode(form: raw) else {
                throw SoundtrackRefusal.invalid("Choose how the music follows the timer: always, in breaks only, or quieter during focus.")
            }
            try SoundtrackStore.setMode(room.id, mode, on: conn)
            return [.soundtrack]
        }
    }

    /// POST /r/:code/soundtrack/proposals (allow=on|off)
    static let proposals: Handler = { ctx in
        let raw = try ctx.field("allow")
        return try RoomAction.act(ctx, anchor: "#soundtrack") { conn, room in
            guard raw == "on" || raw == "off" else { throw SoundtrackRefusal.invalid("Say whether guests may propose tracks: on or off.") }
            try SoundtrackStore.setProposals(room.id, allowed: raw == "on", on: conn)
            return [.soundtrack]
        }
    }
}
