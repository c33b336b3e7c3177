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
            .init("GET", "/healthz", HealthHandlers.alive),
            .init("GET", "/readyz", HealthHandlers.ready),
        ])
    }
}
