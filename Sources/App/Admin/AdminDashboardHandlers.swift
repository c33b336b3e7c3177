import Domain
import Foundation
import Web

/// GET /admin?period=30|365: the daily figures as SVG charts drawn on the server (`StatsCharts`,
/// the /stats page's), each with its numbers in a table; live rooms and people; parked polls per
/// responder; sign-ups per day; the open-report count.
enum AdminDashboardHandlers {
    static let page: Handler = { ctx in
        let period = try AdminInput.number(ctx, "period", 1...365) ?? 30
        guard period == 30 || period == 365 else { throw ModerationRefusal.invalid("period is 30 (days) or 365 (a year).") }
        let database = ctx.services.database
        let days = try AdminDashboardStore.daily(days: period, database: database)
        let signUps = try AdminDashboardStore.signUps(days: 30, database: database)
        let live = try AdminDashboardStore.live(database: database)
        let span = period == 30 ? "the last 30 days" : "the last year"
        func chart(_ id: String, _ title: String, _ value: (AdminDashboardStore.Day) -> Int) -> TemplateContext {
            [
                "id": .text(id), "caption": .text("\(title), \(span) (UTC days)"),
                "svg": .html(
                    StatsCharts.bars(
                        days.map { StatsCharts.Bar(value: value($0), label: String($0.day.dropFirst(5)), note: "\($0.day): \(value($0))") },
                        id: "chart-\(id)", title: "\(title) per day, \(span)")),
                "total": .text(String(days.reduce(0) { $0 + value($1) })),
            ]
        }
        let context: TemplateContext = [
            "period_30": .bool(period == 30), "span": .text(span),
            "open_rooms": .text(String(live.openRooms)), "running_rooms": .text(String(live.runningRooms)),
            "people_in_rooms": .text(String(live.peopleInRooms)), "active_accounts": .text(String(live.activeAccounts)),
            "open_reports": .text(String(try ReportStore.openCount(database: database))),
            "charts": .list([
                chart("rooms", "Rooms created", \.rooms), chart("participants", "Participants", \.participants),
                chart("sessions", "Sessions", \.sessions), chart("focus", "Focus minutes", \.focusMinutes),
            ]),
            "days": .list(
                days.reversed().map {
                    [
                        "day": .text($0.day), "rooms": .text(String($0.rooms)), "participants": .text(String($0.participants)),
                        "sessions": .text(String($0.sessions)), "focus": .text(String($0.focusMinutes)),
                    ]
                }),
            "signups_svg": .html(
                StatsCharts.bars(
                    signUps.map { StatsCharts.Bar(value: $0.count, label: String($0.day.dropFirst(5)), note: "\($0.day): \($0.count)") },
                    id: "chart-signups", title: "Sign-ups per day, the last 30 days")),
            "signups": .list(signUps.reversed().map { ["day": .text($0.day), "count": .text(String($0.count))] }),
            "responders": .list(
                try ResponderBeats.recent(database: database).map {
                    [
                        "name": .text($0.name), "parked": .text(String($0.parkedPolls)), "ago": .text(String($0.secondsAgo)),
                        "silent": .bool($0.secondsAgo > ResponderBeats.silentSeconds),
                    ]
                }),
        ]
        return try AdminViews.page("admin", title: "Dashboard", context, ctx: ctx, section: .dashboard)
    }
}
