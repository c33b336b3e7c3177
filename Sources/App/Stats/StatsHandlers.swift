import Foundation
import Web

/// GET /stats: the public daily figures with a chart drawn on the server (SVG, no script).
enum StatsHandlers {
    static let page: Handler = { ctx in
        let store = StatsStore(database: ctx.services.database)
        let days = try store.days()
        let live = try store.live()
        let context: TemplateContext = [
            "open_rooms": .text(String(live.open)), "open_rooms_word": .text(live.open == 1 ? "room" : "rooms"),
            "running_rooms": .text(String(live.running)),
            "has_days": .bool(!days.isEmpty), "day_count": .text(String(days.count)),
            "chart": .html(chart(days.reversed())),
            "days": .list(
                days.map { d in
                    [
                        "day": .text(d.day), "rooms": .text(String(d.roomsCreated)), "participants": .text(String(d.participants)),
                        "sessions": .text(String(d.sessions)), "focus_minutes": .text(String(d.focusSeconds / 60)),
                    ]
                }),
        ]
        return Views.page("stats", title: "Statistics", context, ctx: ctx)
    }

    /// A bar chart of focus minutes per day, oldest on the left.
    static func chart(_ days: [StatsStore.Day]) -> SafeHTML {
        StatsCharts.bars(
            days.map {
                StatsCharts.Bar(
                    value: $0.focusSeconds / 60, label: String($0.day.dropFirst(5)), note: "\($0.day): \($0.focusSeconds / 60) focus minutes")
            },
            id: "chart-title", title: "Focus minutes per day")
    }
}
