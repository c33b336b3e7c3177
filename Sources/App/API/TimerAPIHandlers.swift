import Domain
import Foundation
import Web

/// The personal timer's JSON API (seed 002's endpoints). Every PUT answers the timer as it is
/// afterwards (`PersonalTimerJSON`), may carry `"version"` (refused with 409 when the timer has
/// moved on since), and changes nothing when it asks for what is already so.
enum TimerAPIHandlers {
    /// GET /api/timer: the caller's timer; the defaults, unwritten, when they have none yet.
    static let timer: APIHandler = { ctx, caller in
        let now = ctx.now
        guard var timer = try ctx.services.database.withConnection({ try PersonalTimerStore.find(caller.owner, on: $0) }) else {
            return json(PersonalTimer(defaultsIn: caller.zone, now: now), ctx, caller, wrote: false)
        }
        // A day that ended and was not reset yet (the sweeper is due or behind): never show it.
        if timer.boundary.day(at: now) != timer.countDay {
            timer = try TimerWrite.perform(ctx, owner: caller.owner) { _, _ in false }
        }
        return json(timer, ctx, caller, wrote: false)
    }

    /// The JSON keys of PUT /api/configuration: the settings form's field names.
    static let integerFields = [
        "focus_minutes", "short_break_minutes", "long_break_minutes", "long_break_interval", "idle_reset_minutes", "reset_hour",
    ]
    static let booleanFields = ["auto_start_breaks", "auto_start_focus", "sound_enabled", "notifications_enabled"]
    static let stringFields = ["reset_kind", "reset_custom"]

    /// PUT /api/configuration: any subset of the settings; the rest keep their values.
    static let configuration: APIHandler = { ctx, caller in
        let input = try APIInput(ctx)
        try input.only(Set(integerFields + booleanFields + stringFields + ["version"]))
        let version = try input.version()
        // Types first (before any lock): the values become the form's text for `TimerSettings.parse`.
        var text: [String: String] = [:]
        for key in integerFields {
            if let n = try input.integer(key, code: "invalid_configuration", what: key) { text[key] = String(n) }
        }
        for key in booleanFields {
            if let b = try input.bool(key, code: "invalid_configuration") { text[key] = b ? "true" : "false" }
        }
        for key in stringFields {
            if let s = try input.string(key, code: "invalid_configuration") { text[key] = s }
        }
        // reset_hour or reset_custom alone says which kind of reset time it is.
        if text["reset_kind"] == nil {
            switch (text["reset_hour"], text["reset_custom"]) {
            case (.some, nil): text["reset_kind"] = "hour"
            case (nil, .some): text["reset_kind"] = "custom"
            case (.some, .some):
                throw APIRefusal.invalid(
                    code: "invalid_configuration", field: "reset_kind", message: "Say which: reset_kind \"hour\" or \"custom\".")
            default: break
            }
        }
        let timer = try TimerWrite.perform(ctx, owner: caller.owner, expectedVersion: version) { timer, conn in
            let settings: TimerSettings
            do {
                settings = try TimerSettings.parse({ text[$0] }, current: timer.settings)
            } catch let problem as TimerSettingsProblem {
                throw APIRefusal.invalid(code: "invalid_configuration", field: problem.field, message: problem.message)
            }
            return try TimerConfiguration.apply(&timer, settings: settings, now: ctx.now, device: caller.device, on: conn)
        }
        return json(timer, ctx, caller, wrote: true)
    }

    /// PUT /api/configuration/timezone {"timezone": "America/New_York"}: the account's one zone
    /// (the same as /settings/preferences), or a guest's timer's.
    static let timezone: APIHandler = { ctx, caller in
        let input = try APIInput(ctx)
        try input.only(["timezone", "version"])
        let version = try input.version()
        guard let zone = try input.string("timezone", code: "invalid_timezone") else {
            throw APIRefusal.invalid(code: "invalid_timezone", field: "timezone", message: "Send {\"timezone\": \"Europe/Paris\"}.")
        }
        guard TimerConfiguration.isValidZone(zone) else {
            throw APIRefusal.invalid(
                code: "invalid_timezone", field: "timezone",
                message: "“\(zone.prefix(64))” is not a time zone we know. Use an IANA name like Europe/Paris or America/New_York.")
        }
        let timer = try TimerWrite.perform(ctx, owner: caller.owner, expectedVersion: version) { timer, conn in
            try TimerConfiguration.moveZone(&timer, to: zone, now: ctx.now, device: caller.device, on: conn)
        }
        return json(timer, ctx, caller, wrote: true)
    }

    /// PUT /api/session-count {"count": n}: today's count set by hand, 0–1000.
    static let sessionCount: APIHandler = { ctx, caller in
        let input = try APIInput(ctx)
        try input.only(["count", "version"])
        let version = try input.version()
        let message = "count must be a whole number from \(TodayCount.range.lowerBound) to \(TodayCount.range.upperBound)."
        guard let count = try input.integer("count", code: "invalid_count", what: "count"), TodayCount.range.contains(count) else {
            throw APIRefusal.invalid(code: "invalid_count", field: "count", message: message)
        }
        let timer = try TimerWrite.perform(ctx, owner: caller.owner, expectedVersion: version) { timer, conn in
            try TodayCount.set(&timer, to: count, now: ctx.now, device: caller.device, on: conn)
        }
        return json(timer, ctx, caller, wrote: true)
    }

    private static func json(_ timer: PersonalTimer, _ ctx: RequestContext, _ caller: APICaller, wrote: Bool) -> Response {
        var response = Response.json(JSONBody.encode(PersonalTimerJSON(timer, now: ctx.now)))
        if wrote { caller.deviceCookie?.add(to: &response, secure: ctx.services.config.secureCookies) }
        return response
    }
}
