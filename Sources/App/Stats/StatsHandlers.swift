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

    /// A bar chart of focus minutes per day, oldest on the left. Every label is escaped.
    static func chart(_ days: [StatsStore.Day]) -> SafeHTML {
        let width = 640
        let height = 220
        let left = 44
        let bottom = 28
        let top = 12
        let plotWidth = width - left - 8
        let plotHeight = height - bottom - top
        let maxMinutes = max(1, days.map { $0.focusSeconds / 60 }.max() ?? 1)
        let slot = days.isEmpty ? 0 : Double(plotWidth) / Double(days.count)
        var svg = """
            <svg class="stats-chart" viewBox="0 0 \(width) \(height)" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">\
            <title id="chart-title">Focus minutes per day</title>\
            <line x1="\(left)" y1="\(top + plotHeight)" x2="\(width - 8)" y2="\(top + plotHeight)" class="axis"/>\
            <text x="\(left - 6)" y="\(top + 10)" text-anchor="end" class="tick">\(maxMinutes)</text>\
            <text x="\(left - 6)" y="\(top + plotHeight)" text-anchor="end" class="tick">0</text>
            """
        for (i, day) in days.enumerated() {
            let minutes = day.focusSeconds / 60
            let barHeight = Double(plotHeight) * Double(minutes) / Double(maxMinutes)
            let x = Double(left) + Double(i) * slot + slot * 0.15
            let y = Double(top + plotHeight) - barHeight
            svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"bar\">", x, y, slot * 0.7, barHeight)
            svg += "<title>\(HTMLEscape.escape(day.day)): \(minutes) focus minutes</title></rect>"
            if days.count <= 10 || i % max(1, days.count / 6) == 0 {
                svg += String(format: "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"tick\">", x + slot * 0.35, height - 8)
                svg += HTMLEscape.escape(String(day.day.dropFirst(5))) + "</text>"
            }
        }
        return SafeHTML(trusted: svg + "</svg>")
    }
}
