import Web

enum HealthHandlers {
    /// GET /healthz: the process answers.
    static let alive: Handler = { _ in .response(.text("ok\n")) }

    /// GET /readyz: PostgreSQL and Redis both answer.
    static let ready: Handler = { ctx in
        let services = ctx.services
        let postgres = services.database.isReachable()
        var redis = "not configured"
        if let pool = services.redis {
            redis = (try? pool.command("PING")) != nil ? "ok" : "down"
        }
        let ok = postgres && redis != "down"
        let body = Readiness(
            postgres: postgres ? "ok" : "down", redis: redis, liveSubscribed: services.hub.isSubscribed,
            parkedPolls: services.hub.parkedCount)
        return .response(.json(JSONBody.encode(body), status: ok ? .ok : .serviceUnavailable))
    }
}
