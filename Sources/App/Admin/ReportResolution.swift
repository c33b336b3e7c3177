import Domain
import Foundation
import Postgres
import Web

/// Resolving a reported thing with an action: the open reports close and the action is done in
/// one transaction, on the locked room when the action is about a room (so its people see the
/// change at once), each step with its audit line.
struct ReportResolution {
    let ctx: RequestContext
    let admin: CurrentUser
    let report: ReportStore.Report
    let action: ReportAction
    let length: SuspensionLength?
    let note: ModerationReason

    /// Whether the action works on the room (chat, tasks, people, closing).
    var inRoom: Bool {
        switch action {
        case .mute, .removeFromRoom, .closeRoom: return true
        case .removeContent: return report.subject.inRoom
        case .none, .suspend, .ban, .endSessions: return false
        }
    }

    func run() throws {
        if inRoom {
            guard let code = report.roomCode.flatMap(RoomCode.init(parsing:)) else { throw ModerationRefusal.conflict(roomGone) }
            do {
                let change = try RoomStore(database: ctx.services.database).change(code, session: ctx.session) { conn, room in
                    guard room.id == report.roomID else { throw ModerationRefusal.conflict(roomGone) }
                    try Self.close(report, as: .resolved, action: action, note: note, by: admin, on: conn)
                    return ((), try inRoom(room, on: conn))
                }
                change.announce(ctx.services)
            } catch RoomRefusal.noSuchRoom {
                throw ModerationRefusal.conflict(roomGone)
            }
            return
        }
        var avatar: String? = nil
        try ctx.services.database.transaction { conn in
            try Self.close(report, as: .resolved, action: action, note: note, by: admin, on: conn)
            avatar = try elsewhere(on: conn)
        }
        if let avatar { Avatars.remove(avatar, services: ctx.services) }
    }

    private var roomGone: String { "The room has closed since: choose an action that is not about the room." }

    private func inRoom(_ room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        do {
            switch (action, report.subject) {
            case (.removeContent, .chatMessage):
                return try AdminRoomStore.removeMessage(report.subjectID, room: room, by: admin, reason: note, on: conn)
            case (.removeContent, .roomTask):
                return try AdminRoomStore.removeTask(report.subjectID, room: room, by: admin, reason: note, on: conn)
            case (.removeContent, .room), (.closeRoom, _):
                return try AdminRoomStore.close(room, by: admin, reason: note, on: conn)
            case (.mute, _), (.removeFromRoom, _):
                return try AdminRoomStore.moderate(
                    action == .mute ? .mute : .remove, seat: report.authorSeat ?? "", room: room, by: admin, reason: note, on: conn)
            default:
                return []
            }
        } catch ModerationRefusal.notFound {
            throw ModerationRefusal.conflict("That is gone from the room already (removed, or its author left): choose another action.")
        }
    }

    /// The actions on accounts and on what is not in a room; returns an avatar file to delete.
    private func elsewhere(on conn: PostgresConnection) throws -> String? {
        switch action {
        case .suspend, .ban:
            ctx.announceAfterCommit(try AdminUserStore.suspend(try author(), for: action == .ban ? nil : length, by: admin, reason: note, on: conn))
        case .endSessions:
            ctx.announceAfterCommit(try AdminUserStore.endSessions(try author(), by: admin, reason: note, on: conn))
        case .removeContent where report.subject == .directMessage:
            guard let id = Int(report.subjectID), let text = try MessageStore.removeByModerator(id, on: conn) else {
                throw ModerationRefusal.conflict("That message is deleted already.")
            }
            try AuditLog.append(
                .init(
                    action: .contentRemove, target: AuditTarget(.directMessage, id: report.subjectID, label: report.authorName), reason: note.value,
                    before: text), by: admin, on: conn)
        case .removeContent where report.subject == .profile:
            let target = try AdminUserStore.lock(try author(), by: admin, ownerAction: false, on: conn)
            guard let cleared = try UserStore.clearProfile(target.id, on: conn) else { throw ModerationRefusal.notFound }
            try AuditLog.append(
                .init(
                    action: .contentRemove, target: target.auditTarget, reason: note.value,
                    before: cleared.bio + (cleared.avatar == nil ? "" : " [picture]"), after: "bio and picture cleared"), by: admin, on: conn)
            return cleared.avatar
        default:
            break
        }
        return nil
    }

    private func author() throws -> String {
        guard let id = report.authorID else { throw ModerationRefusal.conflict("The author has no account (any more).") }
        return id
    }

    /// Closes every open report of the thing, with its audit line; refused when another admin
    /// closed them meanwhile.
    static func close(
        _ report: ReportStore.Report, as status: ReportStatus, action: ReportAction?, note: ModerationReason, by admin: CurrentUser,
        on conn: PostgresConnection
    ) throws {
        let closed = try ReportStore.close(report.subject, report.subjectID, as: status, action: action, note: note, by: admin, on: conn)
        guard closed > 0 else { throw ModerationRefusal.conflict("These reports were closed already.") }
        try AuditLog.append(
            .init(
                action: status == .dismissed ? .reportDismiss : .reportResolve,
                target: AuditTarget(.report, id: String(report.id), label: "\(report.subject.label): \(report.authorName)"), reason: note.value,
                before: "\(closed) open", after: action?.label ?? "dismissed"), by: admin, on: conn)
    }
}
