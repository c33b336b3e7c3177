import Domain
import Foundation
import Web

/// The personal timer's settings form (`/settings/timer` for accounts, `/timer/settings` for a
/// guest's timer, which also carries the guest's zone: guests have no preferences page) and the
/// no-JavaScript override of today's count (`POST /timer/count`). Both write through
/// `TimerWrite`, like the JSON API.
enum TimerSettingsHandlers {
    static let booleanFields = ["auto_start_breaks", "auto_start_focus", "sound_enabled", "notifications_enabled"]

    /// GET /settings/timer
    static let form: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        return try page(ctx, owner: .user(user.id), zone: user.timezone, guest: false)
    }

    /// POST /settings/timer
    static let save: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        return try save(ctx, owner: .user(user.id), zone: user.timezone, guest: false)
    }

    /// GET /timer/settings: a guest's; an account's settings live under /settings.
    static let guestForm: Handler = { ctx in
        if try ctx.user != nil { return .response(.redirect(to: "/settings/timer")) }
        return try page(ctx, owner: .guest(sessionHash: ctx.session.hash), zone: "UTC", guest: true)
    }

    /// POST /timer/settings (a tab still showing the guest form after signing in saves to the
    /// account's timer, without the zone, which is the preferences page's).
    static let guestSave: Handler = { ctx in
        ctx.mustLookUpUser = true
        if let user = try ctx.user { return try save(ctx, owner: .user(user.id), zone: user.timezone, guest: false) }
        return try save(ctx, owner: .guest(sessionHash: ctx.session.hash), zone: "UTC", guest: true)
    }

    private static func save(_ ctx: RequestContext, owner: PersonalTimerOwner, zone: String, guest: Bool) throws -> Outcome {
        let form = try ctx.form()
        // Unchecked boxes are not sent at all: absence means off (the form sends every field).
        var text: [String: String] = [:]
        for (name, _) in form.fields where !booleanFields.contains(name) { text[name] = try form.value(name) }
        for name in booleanFields { text[name] = try form.value(name) ?? "off" }
        let newZone = guest ? (text["timezone"] ?? "").trimmingCharacters(in: .whitespaces) : nil
        if let newZone, !TimerConfiguration.isValidZone(newZone) {
            return try page(
                ctx, owner: owner, zone: zone, guest: guest,
                problem: TimerSettingsProblem(
                    field: "timezone",
                    message: "“\(newZone.prefix(64))” is not a time zone we know. Use a name like Europe/Paris or America/New_York."),
                typed: text)
        }
        let device = DeviceCookie(ctx)
        do {
            _ = try TimerWrite.perform(ctx, owner: owner) { timer, conn in
                let settings = try TimerSettings.parse({ text[$0] }, current: timer.settings)
                var changed = try TimerConfiguration.apply(&timer, settings: settings, now: ctx.now, device: device.id, on: conn)
                if let newZone {
                    changed = try TimerConfiguration.moveZone(&timer, to: newZone, now: ctx.now, device: device.id, on: conn) || changed
                }
                return changed
            }
        } catch let problem as TimerSettingsProblem {
            return try page(ctx, owner: owner, zone: zone, guest: guest, problem: problem, typed: text)
        }
        var response = Response.redirect(to: (guest ? "/timer/settings" : "/settings/timer") + "?saved=1")
        device.add(to: &response, secure: ctx.services.config.secureCookies)
        return .response(response)
    }

    /// The form: the timer's settings, or (after a refusal, with 422) what was typed and the
    /// field's message.
    private static func page(
        _ ctx: RequestContext, owner: PersonalTimerOwner, zone: String, guest: Bool, problem: TimerSettingsProblem? = nil,
        typed: [String: String]? = nil
    ) throws -> Outcome {
        let timer =
            try ctx.services.database.withConnection { try PersonalTimerStore.find(owner, on: $0) }
            ?? PersonalTimer(defaultsIn: zone, now: ctx.now)
        let s = timer.settings
        func value(_ name: String, _ current: String) -> TemplateValue { .text(typed.map { $0[name] ?? "" } ?? current) }
        func checked(_ name: String, _ current: Bool) -> TemplateValue { .bool(typed.map { $0[name] == "on" } ?? current) }
        let kind = typed.map { $0["reset_kind"] ?? "" } ?? s.resetTime.kind
        let hourText = typed.map { $0["reset_hour"] ?? "" } ?? (s.resetTime.kind == "hour" ? String(s.resetTime.minutes / 60) : "0")
        var context: TemplateContext = [
            "section_timer": .bool(true), "is_guest": .bool(guest),
            "action": .text(guest ? "/timer/settings" : "/settings/timer"),
            "focus_minutes": value("focus_minutes", String(s.focusSeconds / 60)),
            "short_break_minutes": value("short_break_minutes", String(s.shortBreakSeconds / 60)),
            "long_break_minutes": value("long_break_minutes", String(s.longBreakSeconds / 60)),
            "long_break_interval": value("long_break_interval", String(s.longBreakInterval)),
            "idle_reset_minutes": value("idle_reset_minutes", String(s.idleResetMinutes)),
            "auto_start_breaks": checked("auto_start_breaks", s.autoStartBreaks),
            "auto_start_focus": checked("auto_start_focus", s.autoStartFocus),
            "sound_enabled": checked("sound_enabled", s.soundEnabled),
            "notifications_enabled": checked("notifications_enabled", s.notificationsEnabled),
            "reset_midnight": .bool(kind == "midnight"), "reset_hour_kind": .bool(kind == "hour"),
            "reset_custom_kind": .bool(kind == "custom"),
            "reset_hours": .list(
                (0...23).map { h in
                    ["value": .text(String(h)), "label": .text((h < 10 ? "0" : "") + "\(h):00"), "selected": .bool(hourText == String(h))]
                }),
            "reset_custom": value("reset_custom", s.resetTime.kind == "custom" ? s.resetTime.clock : ""),
            "timezone_input": value("timezone", timer.zone), "timezone": .text(timer.zone),
            "focus_limits": .text("\(TimerSettings.focusMinutes.lowerBound)–\(TimerSettings.focusMinutes.upperBound)"),
        ]
        if guest { context["timezones"] = SettingsHandlers.timeZoneChoices }
        if let problem {
            context["error"] = .text(problem.message)
            context["invalid_" + problem.field] = .bool(true)
        } else if ctx.request.query.values("saved").first == "1" {
            context["saved"] = .bool(true)
        }
        return Views.page("settings_timer", title: "Timer settings", context, ctx: ctx, status: problem == nil ? .ok : .unprocessableEntity)
    }

    /// POST /timer/count: today's count set by hand from the timer page (no JavaScript needed).
    static let setCount: Handler = { ctx in
        ctx.mustLookUpUser = true
        let owner: PersonalTimerOwner = try ctx.user.map { .user($0.id) } ?? .guest(sessionHash: ctx.session.hash)
        let typed = try ctx.field("count")
        let text = typed.trimmingCharacters(in: .whitespaces)
        guard text.utf8.count <= 4, !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int(text),
            TodayCount.range.contains(count)
        else {
            let timer =
                try ctx.services.database.withConnection { try PersonalTimerStore.find(owner, on: $0) }
                ?? PersonalTimer(defaultsIn: try ctx.user?.timezone ?? "UTC", now: ctx.now)
            return Views.page(
                "timer_count", title: "Today's count",
                [
                    "today_count": .text(String(timer.todayCount)), "manual_override": .bool(timer.manualOverride != nil),
                    "count_input": .text(String(typed.prefix(20))),
                    "count_error": .text("Type a whole number from \(TodayCount.range.lowerBound) to \(TodayCount.range.upperBound)."),
                ], ctx: ctx, status: .unprocessableEntity)
        }
        let device = DeviceCookie(ctx)
        _ = try TimerWrite.perform(ctx, owner: owner) { timer, conn in
            try TodayCount.set(&timer, to: count, now: ctx.now, device: device.id, on: conn)
        }
        var response = Response.redirect(to: "/timer")
        device.add(to: &response, secure: ctx.services.config.secureCookies)
        return .response(response)
    }
}
