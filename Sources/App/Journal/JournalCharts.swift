import Domain
import Foundation
import Web

/// The journal's own SVG charts, drawn the way `StatsCharts` draws the stats pages' (same frame,
/// axis and ticks; no script, no inline style; classes coloured by app.css): bars of stacked
/// parts, and one bar a row for categories. Each part's class names its series (`series-0`…),
/// which the page's legend repeats in words; the numbers are in a table beside each chart.
/// Parts of one series are one path, so a month of stacked bars stays a handful of elements.
enum JournalCharts {
    /// One bar: its parts from the bottom up (one per series) and the label under it.
    struct Stack {
        let values: [Int]
        let label: String
    }

    /// Bars from left to right, each the sum of its parts, with the tallest on the axis.
    static func stackedBars(_ bars: [Stack], series: [String], id: String, title: String) -> SafeHTML {
        let (width, height, left, bottom, top) = (640, 220, 44, 28, 12)
        let plotWidth = width - left - 8
        let plotHeight = height - bottom - top
        let maxValue = max(1, bars.map { $0.values.reduce(0, +) }.max() ?? 1)
        let slot = bars.isEmpty ? 0 : Double(plotWidth) / Double(bars.count)
        var svg = StatsCharts.open(id: id, title: title, width: width, height: height)
        svg += """
            <line x1="\(left)" y1="\(top + plotHeight)" x2="\(width - 8)" y2="\(top + plotHeight)" class="axis"/>\
            <text x="\(left - 6)" y="\(top + 10)" text-anchor="end" class="tick">\(maxValue)</text> \
            <text x="\(left - 6)" y="\(top + plotHeight)" text-anchor="end" class="tick">0</text>
            """ + " "
        var outlines = Array(repeating: "", count: series.count)
        let barWidth = StatsCharts.tenths(slot * 0.7)
        for (i, bar) in bars.enumerated() {
            let x = StatsCharts.tenths(Double(left) + Double(i) * slot + slot * 0.15)
            var y = Double(top + plotHeight)
            for (part, value) in bar.values.enumerated() where value > 0 && part < series.count {
                let partHeight = Double(plotHeight) * Double(value) / Double(maxValue)
                y -= partHeight
                outlines[part] += "M\(x) \(StatsCharts.tenths(y))h\(barWidth)v\(StatsCharts.tenths(partHeight))h-\(barWidth)z"
            }
            if bars.count <= 10 || i % max(1, bars.count / 6) == 0 {
                let middle = StatsCharts.tenths(Double(left) + Double(i) * slot + slot * 0.5)
                svg += "<text x=\"\(middle)\" y=\"\(height - 8)\" text-anchor=\"middle\" class=\"tick\">"
                svg += HTMLEscape.escape(bar.label) + "</text> "
            }
        }
        for (part, outline) in outlines.enumerated() where !outline.isEmpty {
            svg += "<path class=\"\(series[part])\" d=\"\(outline)\"/>"
        }
        return SafeHTML(trusted: svg + "</svg>")
    }

    /// One bar a row, top down: the label on the left, the bar, its value after it.
    static func rows(_ items: [(label: String, value: Int)], id: String, title: String) -> SafeHTML {
        let (width, top, rowHeight, labelWidth) = (640, 4, 26, 130)
        let plotWidth = Double(width - labelWidth - 48)
        let maxValue = max(1, items.map(\.value).max() ?? 1)
        var svg = StatsCharts.open(id: id, title: title, width: width, height: top * 2 + items.count * rowHeight)
        for (i, item) in items.enumerated() {
            let y = top + i * rowHeight
            let barWidth = plotWidth * Double(item.value) / Double(maxValue)
            svg += "<text x=\"0\" y=\"\(y + 17)\" class=\"tick\">\(HTMLEscape.escape(item.label))</text> "
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(StatsCharts.tenths(barWidth))\" height=\"18\" class=\"bar\"/>"
            svg += "<text x=\"\(StatsCharts.tenths(Double(labelWidth) + barWidth + 6))\" y=\"\(y + 17)\" class=\"tick\">\(item.value)</text> "
        }
        return SafeHTML(trusted: svg + "</svg>")
    }
}
