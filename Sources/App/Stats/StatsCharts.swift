import Domain
import Foundation
import Web

/// The SVG charts drawn on the server, for /stats and the personal stats pages: no script,
/// no inline style (the classes are coloured by app.css, so themes and dark mode apply). Each
/// is one image with a title; the page puts the same numbers in a table beside it, which is
/// what screen readers and text browsers read. Every text that goes in is escaped. Labels are
/// followed by a space, which draws nothing but keeps them apart in a text browser (which
/// prints them).
enum StatsCharts {
    /// One bar: its height, the label under it (shown for a few bars only) and its tooltip.
    struct Bar {
        let value: Int
        let label: String
        let note: String
    }

    static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Bars from left to right, with the largest value on the axis.
    static func bars(_ bars: [Bar], id: String, title: String) -> SafeHTML {
        let width = 640
        let height = 220
        let left = 44
        let bottom = 28
        let top = 12
        let plotWidth = width - left - 8
        let plotHeight = height - bottom - top
        let maxValue = max(1, bars.map(\.value).max() ?? 1)
        let slot = bars.isEmpty ? 0 : Double(plotWidth) / Double(bars.count)
        var svg = open(id: id, title: title, width: width, height: height)
        svg += """
            <line x1="\(left)" y1="\(top + plotHeight)" x2="\(width - 8)" y2="\(top + plotHeight)" class="axis"/>\
            <text x="\(left - 6)" y="\(top + 10)" text-anchor="end" class="tick">\(maxValue)</text> \
            <text x="\(left - 6)" y="\(top + plotHeight)" text-anchor="end" class="tick">0</text>
            """ + " "
        for (i, bar) in bars.enumerated() {
            let barHeight = Double(plotHeight) * Double(bar.value) / Double(maxValue)
            let x = Double(left) + Double(i) * slot + slot * 0.15
            let y = Double(top + plotHeight) - barHeight
            svg += "<rect x=\"\(tenths(x))\" y=\"\(tenths(y))\" width=\"\(tenths(slot * 0.7))\" height=\"\(tenths(barHeight))\" class=\"bar\">"
            svg += "<title>\(HTMLEscape.escape(bar.note))</title></rect>"
            if bars.count <= 10 || i % max(1, bars.count / 6) == 0 {
                svg += "<text x=\"\(tenths(x + slot * 0.35))\" y=\"\(height - 8)\" text-anchor=\"middle\" class=\"tick\">"
                svg += HTMLEscape.escape(bar.label) + "</text> "
            }
        }
        return SafeHTML(trusted: svg + "</svg>")
    }

    /// Hours of the day across, weekdays down (Monday first), darker for more minutes.
    static func heatmap(_ buckets: HourBuckets, id: String, title: String) -> SafeHTML {
        heatmap(minutes: { buckets.minutes(weekday: $0, hour: $1) }, busiest: buckets.busiestMinutes, id: id, title: title)
    }

    /// The same from minutes by ISO weekday (1 is Monday) and hour, `busiest` the largest.
    static func heatmap(minutes: (Int, Int) -> Int, busiest: Int, id: String, title: String) -> SafeHTML {
        let (left, top, cellWidth, cellHeight) = (36, 16, 22, 18)
        var svg = open(id: id, title: title, width: left + 24 * cellWidth, height: top + 7 * cellHeight)
        for hour in stride(from: 0, to: 24, by: 3) {
            svg += "<text x=\"\(left + hour * cellWidth + 2)\" y=\"11\" class=\"tick\">\(hour < 10 ? "0" : "")\(hour)</text> "
        }
        var cells = Cells(width: cellWidth - 2, height: cellHeight - 2)
        for weekday in 1...7 {
            let y = top + (weekday - 1) * cellHeight
            svg += "<text x=\"0\" y=\"\(y + 13)\" class=\"tick\">\(weekdayNames[weekday - 1])</text> "
            for hour in 0..<24 {
                cells.add(x: left + hour * cellWidth, y: y, level: level(minutes(weekday, hour), max: busiest))
            }
        }
        return SafeHTML(trusted: svg + cells.paths + "</svg>")
    }

    /// One square a day, a column a week (Monday at the top), months named above.
    static func squares(_ grid: DayGrid, minutes: (LocalDate) -> Int, id: String, title: String) -> SafeHTML {
        let (left, top, cell) = (30, 16, 13)
        var svg = open(id: id, title: title, width: left + grid.weeks * cell, height: top + 7 * cell)
        for weekday in [1, 3, 5] {
            svg += "<text x=\"0\" y=\"\(top + (weekday - 1) * cell + 10)\" class=\"tick\">\(weekdayNames[weekday - 1])</text> "
        }
        for (column, name) in monthLabels(grid) {
            svg += "<text x=\"\(left + column * cell)\" y=\"11\" class=\"tick\">\(name)</text> "
        }
        let values = (0..<grid.weeks * 7).map { offset -> Int in
            let day = grid.firstMonday.adding(days: offset)
            return grid.days.contains(day) ? minutes(day) : -1
        }
        let busiest = values.max() ?? 0
        var cells = Cells(width: cell - 2, height: cell - 2)
        for (offset, value) in values.enumerated() where value >= 0 {
            cells.add(x: left + offset / 7 * cell, y: top + offset % 7 * cell, level: level(value, max: busiest))
        }
        return SafeHTML(trusted: svg + cells.paths + "</svg>")
    }

    /// Equal rectangles drawn as one path per shade: a year of squares is five elements, not
    /// 371, which keeps the page small and quick to build.
    struct Cells {
        let width: Int
        let height: Int
        private var outlines = Array(repeating: "", count: 5)

        init(width: Int, height: Int) {
            self.width = width
            self.height = height
        }

        mutating func add(x: Int, y: Int, level: Int) { outlines[level] += "M\(x) \(y)h\(width)v\(height)h-\(width)z" }

        var paths: String {
            outlines.enumerated().filter { !$0.element.isEmpty }.map { "<path class=\"level-\($0.offset)\" d=\"\($0.element)\"/>" }.joined()
        }
    }

    /// Each month named over the column of its first Monday; a name that would run into the
    /// next one (a month barely begun at the grid's left edge) is left out.
    static func monthLabels(_ grid: DayGrid) -> [(column: Int, name: String)] {
        var (year, month, _) = grid.days.lowerBound.components
        var labels: [(column: Int, name: String)] = []
        while let first = LocalDate(year: year, month: month, day: 1), first <= grid.days.upperBound {
            let from = max(first, grid.days.lowerBound)
            let column = (from.adding(days: (8 - from.isoWeekday) % 7) - grid.firstMonday) / 7
            if column < grid.weeks { labels.append((column, monthNames[month - 1])) }
            (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
        }
        return labels.enumerated().filter { i, label in i == labels.count - 1 || labels[i + 1].column - label.column >= 3 }.map(\.element)
    }

    /// 0 for nothing, else 1–4 by the share of the largest value.
    static func level(_ value: Int, max: Int) -> Int {
        guard value > 0, max > 0 else { return 0 }
        return min(4, (value * 4 + max - 1) / max)
    }

    /// "12.3" for 12.34: coordinates to a tenth (String(format:) costs microseconds a call).
    static func tenths(_ value: Double) -> String {
        let scaled = Int((value * 10).rounded())
        let sign = scaled < 0 ? "-" : ""
        return "\(sign)\(abs(scaled) / 10).\(abs(scaled) % 10)"
    }

    /// The `<svg>` start tag and its title (the journal's charts start the same way).
    static func open(id: String, title: String, width: Int, height: Int) -> String {
        """
        <svg class="stats-chart" viewBox="0 0 \(width) \(height)" role="img" aria-labelledby="\(id)" xmlns="http://www.w3.org/2000/svg">\
        <title id="\(id)">\(HTMLEscape.escape(title))</title>
        """
    }
}
