import Domain
import Foundation
import Postgres
import Web

/// `GET /timer/history`: the personal timer's last 90 days (seed 002's DailySessionStats) as a
/// bar chart drawn on the server and a table with the same numbers, and its latest reset events.
/// Open to guests (their own timer, by session); someone without a timer sees empty days, never
/// a 404. A day that ended since the last look is closed first, as every page of the timer does.
enum TimerHistoryHandlers {
    static let days = 90
    static let eventsShown = 50

    static let page: Handler = { ctx in
        let owner: PersonalTimerOwner? =
            if let user = try ctx.user { .user(user.id) } else if !ctx.session.isNew { .guest(sessionHash: ctx.session.hash) } else { nil }
        let now = ctx.now
        let database = ctx.services.database
        var timer = try owner.flatMap { owner in try database.withConnection { try PersonalTimerStore.find(owner, on: $0) } }
        if let found = timer, found.boundary.day(at: now) != found.countDay {
            timer = try database.transaction { conn in
                guard var locked = try PersonalTimerStore.lock(id: found.id, on: conn) else { return nil }
                if try DailyReset.settle(&locked, type: .automatic, now: now, device: nil, on: conn) {
                    locked.version = try PersonalTimerStore.bump(locked.id, on: conn)
                    ctx.announceAfterCommit([(locked.channel, locked.version)])
                }
                return locked
            }
        }
        let today = timer.map { $0.boundary.day(at: now) } ?? DayBoundary(zone: TimeZone(identifier: "UTC")!).day(at: now)
        let first = today.adding(days: -(days - 1))
        let (rows, events) =
            try timer.map { timer in
                try database.withConnection { conn in
                    (
                        try TimerHistoryStore.days(timerID: timer.id, from: first, to: today, on: conn),
                        try TimerHistoryStore.events(timerID: timer.id, limit: eventsShown, on: conn)
                    )
                }
            } ?? ([], [])
        let byDate = Dictionary(rows.map { ($0.date, $0) }, uniquingKeysWith: { a, _ in a })
        let shown = (0..<days).map { first.adding(days: $0) }
        let context: TemplateContext = [
            "has_timer": .bool(timer != nil),
            "today": .text(today.iso),
            "today_count": .text(String(timer?.todayCount ?? 0)),
            "timezone": .text(timer?.zone ?? "UTC"),
            "reset_time": .text(timer.map { Self.clock($0.settings.resetTime.minutes) } ?? "00:00"),
            "day_count": .text(String(days)),
            "chart": .html(
                StatsCharts.bars(
                    shown.map { date in
                        let sessions = byDate[date]?.sessions ?? 0
                        return StatsCharts.Bar(
                            value: sessions, label: String(date.iso.dropFirst(5)),
                            note: "\(date.iso): \(sessions) \(sessions == 1 ? "session" : "sessions")")
                    }, id: "history-chart-title", title: "Focus sessions completed on each of the last \(days) days")),
            "days": .list(
                shown.reversed().map { date in
                    let row = byDate[date]
                    let ended: String =
                        if date == today { "\(timer?.todayCount ?? 0) so far" } else if let count = row?.finalCount { String(count) } else { "—" }
                    return [
                        "date": .text(date.iso), "weekday": .text(StatsCharts.weekdayNames[date.isoWeekday - 1]),
                        "sessions": .text(String(row?.sessions ?? 0)), "focus_minutes": .text(String((row?.focusSeconds ?? 0) / 60)),
                        "overrides": .text(String(row?.overrides ?? 0)), "final_count": .text(ended),
                        "is_today": .bool(date == today),
                    ]
                }),
            "has_events": .bool(!events.isEmpty),
            "events": .list(
                events.map { event in
                    [
                        "type": .text(event.type.rawValue), "words": .text(event.type.words),
                        "previous": .text(String(event.previous)), "new": .text(String(event.new)),
                        "local_time": .text(event.localTime), "device": .text(event.device.map { String($0.prefix(12)) } ?? "—"),
                    ]
                }),
        ]
        return Views.page("timer_history", title: "Timer history", context, ctx: ctx)
    }

    /// "02:30" for 150 minutes after midnight.
    static func clock(_ minutes: Int) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(minutes / 60)):\(two(minutes % 60))"
    }
}
