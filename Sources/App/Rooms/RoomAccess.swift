import Domain
import Web

/// The gate for room routes that declare `.participant`, `.dj` or `.host` (Routes): runs once, before
/// the handler, on the room as this viewer sees it. Someone without the seat the route asks for
/// gets the room page with the reason, never the handler's work. `RoomStore.change` asks the
/// same question again on the locked row, which settles a race with a hand-over.
enum RoomAccess {
    /// nil lets the handler run.
    static func refusal(_ access: Access, _ ctx: RequestContext) throws -> Outcome? {
        guard let role = access.roomRole else { return nil }
        let code = try RoomHandlers.parseCode(ctx)
        return try RoomHandlers.findingRoom(ctx) { () throws -> Outcome? in
            let snapshot = try RoomHandlers.present(ctx, code)
            do throws(RoomRefusal) {
                let member = snapshot.member(for: ctx.session)
                try role.admit(member?.role, isDJ: member?.isDJ ?? false)
                return nil
            } catch {
                return RoomHandlers.roomPage(ctx, snapshot, error: error.message, status: ErrorMapping.status(error))
            }
        }
    }
}
