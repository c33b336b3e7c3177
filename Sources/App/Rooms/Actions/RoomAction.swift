import Domain
import Foundation
import Postgres
import Web

/// What every room action shares. Each action (Rooms/Actions/*Actions.swift) is a form POST
/// that answers 303 back to the room (JavaScript off or on), or the room page again with the
/// reason and the typed input (422, 403, 404, 409, 429).
enum RoomAction {
    /// The page an action goes back to, and shows a refusal on.
    enum Page {
        /// The room (`/r/{CODE}`).
        case room
        /// The host's moderation page (`/r/{CODE}/moderate`).
        case moderation

        var suffix: String { self == .moderation ? "/moderate" : "" }
    }

    /// Validates, then applies `body` to the locked room, announces the new version and
    /// redirects to `anchor` (or to `location`, a local path the form asked for); a RoomRefusal
    /// or SoundtrackRefusal anywhere shows the room page with its message. The route's declared
    /// role (`.participant`, `.dj`, `.host`) is checked again on the locked room.
    static func act(
        _ ctx: RequestContext, anchor: String = "", back: Page = .room, inputs: [String: String] = [:],
        kept: RoomViews.Kept? = nil, location: String? = nil,
        _ body: (PostgresConnection, LockedRoom) throws -> Set<RoomPart>
    ) throws -> Outcome {
        let code = try RoomHandlers.parseCode(ctx)
        let version: Int?
        do {
            let change = try RoomStore(database: ctx.services.database).change(code, session: ctx.session, as: ctx.access.roomRole) { conn, room in
                ((), try body(conn, room))
            }
            change.announce(ctx.services)
            version = change.version
        } catch let refusal as RoomRefusal {
            if back == .moderation { return try RoomHandlers.moderationPage(ctx, code, error: refusal) }
            return try RoomHandlers.problemPage(ctx, code, refusal, inputs: inputs, kept: kept)
        } catch let problem as RoomRuleProblem {
            return try RoomHandlers.problemPage(ctx, code, .invalid(problem.description), inputs: inputs, kept: kept)
        } catch let refusal as SoundtrackRefusal {
            return RoomHandlers.roomPage(
                ctx, try RoomHandlers.present(ctx, code), error: refusal.message, inputs: inputs, kept: kept,
                status: ErrorMapping.status(refusal))
        }
        return RoomHandlers.redirect(ctx, code, to: location ?? "/r/\(code.display)" + back.suffix + anchor, after: version)
    }

    static func id(_ ctx: RequestContext) -> String { ctx.request.parameter("id") }

    /// Room-wide actions in a room of more than this many people ask the host to confirm.
    static let confirmAbove = 20

    /// For the host of a big room, a page that asks to confirm a room-wide action: a form that
    /// posts the same fields again with `confirm=yes` (works without JavaScript). nil when no
    /// confirmation is needed (a small room). Only on `.host` routes, so the gate admitted the host.
    static func confirmation(
        _ ctx: RequestContext, heading: String, message: (Int) -> String, button: String,
        action: String, fields: [(String, String)]
    ) throws -> Outcome? {
        let code = try RoomHandlers.parseCode(ctx)
        let snapshot = try RoomHandlers.present(ctx, code)
        guard snapshot.members.count > confirmAbove else { return nil }
        let context: TemplateContext = [
            "code": .text(code.display), "theme": .text(snapshot.room.theme), "heading": .text(heading),
            "message": .text(message(snapshot.members.count)), "button": .text(button),
            "action": .text("/r/\(code.display)/\(action)"),
            "fields": .list(fields.map { ["name": .text($0.0), "value": .text($0.1)] }),
        ]
        return Views.page("confirm", title: heading, context, ctx: ctx)
    }
}
