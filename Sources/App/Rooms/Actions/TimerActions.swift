import Domain
import Foundation
import Postgres
import Web

/// The host runs the timer and picks the theme.
enum TimerActions {
    /// POST /r/:code/timer (action, at)
    static let timer: Handler = { ctx in
        let actionText = try ctx.field("action")
        let atText = try ctx.field("at")
        if actionText == TimerAction.end.rawValue, try ctx.field("confirm") != "yes",
            let page = try RoomAction.confirmation(
                ctx, heading: "End the session for everyone?",
                message: { "This ends the timer for all \($0) people in the room. It cannot be undone." },
                button: "End the session for everyone", action: "timer",
                fields: [("action", actionText), ("at", atText)])
        {
            return page
        }
        return try RoomAction.act(ctx, anchor: "#timer") { conn, room in
            guard let action = TimerAction(rawValue: actionText) else {
                throw RoomRefusal.invalid("Unknown timer action “\(actionText)”. Use start, pause, resume, skip, restart or end.")
            }
            guard atText.count <= 3, let at = Int(atText) else {
                throw RoomRefusal.invalid("The form did not say which segment it was for. Reload the page and try again.")
            }
            return try TimerStore.control(action, at: at, room: room, on: conn)
        }
    }

    /// POST /r/:code/theme
    static let theme: Handler = { ctx in
        let raw = try ctx.field("theme")
        return try RoomAction.act(ctx) { conn, room in
            let theme = try Theme(validating: raw)
            try RoomStore.setTheme(room.id, theme, on: conn)
            return [.state]
        }
    }
}
