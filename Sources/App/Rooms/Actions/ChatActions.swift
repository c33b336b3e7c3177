import Domain
import Foundation
import Postgres
import Web

/// Chat: post, delete (host), and the host's slow mode.
enum ChatActions {
    /// POST /r/:code/messages
    static let postMessage: Handler = { ctx in
        let text = try ctx.field("text")
        let code = try RoomHandlers.parseCode(ctx)
        if let refusal = try RoomHandlers.limited(ctx, code, ctx.services.config.rateLimits.messages, inputs: ["chat_input": text]) {
            return refusal
        }
        return try RoomAction.act(ctx, anchor: "#chat-form", inputs: ["chat_input": text]) { conn, room in
            try ChatStore.post(try ShortText(validating: text, what: "A message", max: RoomLimits.messageLength), room: room, on: conn)
        }
    }

    /// POST /r/:code/messages/:id/delete
    static let deleteMessage: Handler = { ctx in
        try RoomAction.act(ctx, back: .moderation) { conn, room in try ChatStore.delete(RoomAction.id(ctx), room: room, on: conn) }
    }

    /// POST /r/:code/slow-mode (slow_mode=on|off): the host's chat slow mode.
    static let slowMode: Handler = { ctx in
        let raw = try ctx.field("slow_mode")
        return try RoomAction.act(ctx, anchor: "#chat-form") { conn, room in
            guard raw == "on" || raw == "off" else { throw RoomRefusal.invalid("Slow mode is either on or off.") }
            try RoomStore.setSlowMode(room.id, raw == "on", on: conn)
            return [.state]
        }
    }
}
