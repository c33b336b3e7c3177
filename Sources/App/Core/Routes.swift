import Web

/// Every route in one table: method, path, handler. All routes so far are open to guests; the
/// access guards for signed-in and admin routes will sit in this table too.
enum Routes {
    static func table() -> Router<Handler> {
        Router([
            .init("GET", "/", HomeHandlers.home),
            .init("POST", "/rooms", RoomHandlers.create),
            .init("GET", "/join", RoomHandlers.findByCode),
            .init("GET", "/r/:code", RoomHandlers.show),
            .init("POST", "/r/:code/join", RoomHandlers.join),
            .init("GET", "/r/:code/poll", RoomHandlers.poll),
            .init("GET", "/r/:code/state.json", RoomHandlers.state),
            .init("POST", "/r/:code/leave", RoomHandlers.leave),
            .init("GET", "/r/:code/moderate", RoomHandlers.moderate),
            .init("POST", "/r/:code/timer", RoomActionHandlers.timer),
            .init("POST", "/r/:code/theme", RoomActionHandlers.theme),
            .init("POST", "/r/:code/segments", RoomActionHandlers.addSegment),
            .init("POST", "/r/:code/segments/:id", RoomActionHandlers.editSegment),
            .init("POST", "/r/:code/segments/:id/delete", RoomActionHandlers.deleteSegment),
            .init("POST", "/r/:code/segments/:id/move", RoomActionHandlers.moveSegment),
            .init("POST", "/r/:code/tasks", RoomActionHandlers.addTask),
            .init("POST", "/r/:code/tasks/:id", RoomActionHandlers.editTask),
            .init("POST", "/r/:code/tasks/:id/toggle", RoomActionHandlers.toggleTask),
            .init("POST", "/r/:code/tasks/:id/delete", RoomActionHandlers.deleteTask),
            .init("POST", "/r/:code/proposals", RoomActionHandlers.propose),
            .init("POST", "/r/:code/proposals/:id/accept", RoomActionHandlers.acceptProposal),
            .init("POST", "/r/:code/proposals/:id/reject", RoomActionHandlers.rejectProposal),
            .init("POST", "/r/:code/messages", RoomActionHandlers.postMessage),
            .init("POST", "/r/:code/messages/:id/delete", RoomActionHandlers.deleteMessage),
            .init("POST", "/r/:code/participants/:id/mute", RoomActionHandlers.moderation(.mute)),
            .init("POST", "/r/:code/participants/:id/unmute", RoomActionHandlers.moderation(.unmute)),
            .init("POST", "/r/:code/participants/:id/remove", RoomActionHandlers.moderation(.remove)),
            .init("POST", "/r/:code/participants/:id/host", RoomActionHandlers.moderation(.host)),
            .init("GET", "/stats", StatsHandlers.page),
            .init("GET", "/healthz", HealthHandlers.alive),
            .init("GET", "/readyz", HealthHandlers.ready),
        ])
    }
}
