import Foundation
import Testing

@testable import App
@testable import Domain

@Suite("Stats charts")
struct StatsChartsTests {
    @Test(arguments: [(0, 100, 0), (1, 100, 1), (25, 100, 1), (26, 100, 2), (50, 100, 2), (75, 100, 3), (76, 100, 4), (100, 100, 4), (5, 0, 0)])
    func shadesAreQuartersOfTheLargest(value: Int, max: Int, level: Int) {
        #expect(StatsCharts.level(value, max: max) == level)
    }

    @Test(arguments: [(0.0, "0.0"), (12.34, "12.3"), (12.35, "12.4"), (599.96, "600.0"), (-0.44, "-0.4"), (7, "7.0")])
    func coordinatesToATenth(value: Double, text: String) {
        #expect(StatsCharts.tenths(value) == text)
    }

    @Test func monthsAreNamedOverTheirFirstMonday() {
        // 53 weeks up to Wednesday 2 December 2026: from Monday 1 December 2025.
        let recent = StatsCharts.monthLabels(DayGrid.recent(through: LocalDate(iso: "2026-12-02")!))
        #expect(recent.map(\.name) == ["Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov"])
        #expect(recent.first?.column == 0)
        #expect(recent.first { $0.name == "Jan" }?.column == 5)  // Monday 5 January 2026
        // A grid starting on a Sunday 30 November: November has no room for its name.
        let late = StatsCharts.monthLabels(
            DayGrid(firstMonday: LocalDate(iso: "2025-11-24")!, days: LocalDate(iso: "2025-11-30")!...LocalDate(iso: "2026-02-01")!))
        #expect(late.map(\.name) == ["Dec", "Jan"])
        // A calendar year: every month, January over the first column of its own.
        let year = StatsCharts.monthLabels(DayGrid.year(2025))
        #expect(year.count == 12 && year.first?.name == "Jan" && year.first?.column == 1)
    }

    @Test func cellsOfOneShadeAreOnePath() {
        var cells = StatsCharts.Cells(width: 11, height: 11)
        cells.add(x: 30, y: 16, level: 0)
        cells.add(x: 43, y: 16, level: 0)
        cells.add(x: 30, y: 29, level: 4)
        #expect(
            cells.paths
                == "<path class=\"level-0\" d=\"M30 16h11v11h-11zM43 16h11v11h-11z\"/><path class=\"level-4\" d=\"M30 29h11v11h-11z\"/>")
    }

    @Test func everyTextInABarChartIsEscaped() {
        let svg = StatsCharts.bars(
            [StatsCharts.Bar(value: 3, label: "<b>", note: "\"x\" & <script>")], id: "t", title: "A <title> & more"
        ).html
        #expect(!svg.contains("<b>") && !svg.contains("<script>") && !svg.contains("<title> &"))
        #expect(svg.contains("&lt;b&gt;") && svg.contains("&quot;x&quot; &amp; &lt;script&gt;") && svg.contains("A &lt;title&gt; &amp; more"))
    }
}
