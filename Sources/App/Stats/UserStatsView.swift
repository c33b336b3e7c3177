import Domain
import Foundation
import Web

/// The stats page's body (`partials/user_stats_body`): figures from the tally, and the charts
/// and their tables from the ledger's summary for the days shown. The same for every viewer.
struct UserStatsView {
    let owner: UserStatsStore.Owner
    let periods: StatsPeriods
    let grid: DayGrid
    /// The calendar year the grid and heatmap show; nil for the 53 weeks up to today.
    let year: Int?
    /// The years there is something to show for.
    let years: ClosedRange<Int>
    let summary: FocusSummary
    /// The streak as it stands now.
    let streak: Streak.Standing

    var context: TemplateContext {
        let hours = summary.hours
        func seconds(from first: LocalDate) -> Int { summary.seconds(from: first) }
        func minutes(_ day: LocalDate) -> Int { summary.seconds(on: day) / 60 }
        let tally = owner.tally
        let period = year.map(String.init) ?? "the past year"
        var context: TemplateContext = [
            "username": .text(owner.username), "total": .text(FocusDuration.text(seconds: tally.totalSeconds)),
            "week": .text(FocusDuration.text(seconds: seconds(from: periods.weekStart))),
            "month": .text(FocusDuration.text(seconds: seconds(from: periods.monthStart))),
            "sessions": .text(String(tally.sessions)),
            "streak": .text(Self.days(streak.current)), "best_streak": .text(Self.days(tally.streakBest)),
            "freeze_notes": .list(Self.freezeNotes(streak, spent: tally.freezesSpent).map { ["note": .text($0)] }),
            "period": .text(period), "year": .text(year.map(String.init) ?? ""), "recent_days": .text(String(StatsPeriods.recentDays)),
            "chart_days": .html(StatsCharts.bars(recentDays(minutes), id: "chart-days-title", title: "Focus minutes on each of the last 30 days")),
            "days": .list(
                (0..<StatsPeriods.recentDays).reversed().map { back in
                    let day = periods.today.adding(days: -back)
                    return [
                        "date": .text(day.iso), "weekday": .text(StatsCharts.weekdayNames[day.isoWeekday - 1]),
                        "minutes": .text(String(minutes(day))),
                    ]
                }),
            "chart_year": .html(StatsCharts.squares(grid, minutes: minutes, id: "chart-year-title", title: "Focus minutes on each day of \(period)")),
            "weeks": .list(weekRows(minutes)),
            "chart_hours": .html(
                StatsCharts.heatmap(hours, id: "chart-hours-title", title: "Focus minutes by weekday and hour of the day, \(period)")),
            "hours": .list(
                (0..<24).map { hour in
                    [
                        "hour": .text((hour < 10 ? "0" : "") + "\(hour):00"),
                        "cells": .list((1...7).map { ["minutes": .text(String(hours.minutes(weekday: $0, hour: hour)))] }),
                    ]
                }),
            "year_links": .list(yearLinks),
            "weekday_names": .list(StatsCharts.weekdayNames.map { ["name": .text($0)] }),
        ]
        if let day = tally.bestDay, tally.bestDaySeconds > 0 {
            context["best_day"] = .text(day.iso)
            context["best_day_time"] = .text(FocusDuration.text(seconds: tally.bestDaySeconds))
        }
        return context
    }

    /// The last 30 days, oldest first.
    private func recentDays(_ minutes: (LocalDate) -> Int) -> [StatsCharts.Bar] {
        (0..<StatsPeriods.recentDays).reversed().map { back in
            let day = periods.today.adding(days: -back)
            return StatsCharts.Bar(value: minutes(day), label: String(day.iso.dropFirst(5)), note: "\(day.iso): \(minutes(day)) focus minutes")
        }
    }

    /// The grid as a table: a row per week, a cell per day (blank outside the days shown).
    private func weekRows(_ minutes: (LocalDate) -> Int) -> [TemplateContext] {
        (0..<grid.weeks).map { week in
            let monday = grid.firstMonday.adding(days: 7 * week)
            var total = 0
            let cells: [TemplateContext] = (0..<7).map { weekday in
                let day = monday.adding(days: weekday)
                guard grid.days.contains(day) else { return ["minutes": .text("")] }
                total += minutes(day)
                return ["minutes": .text(String(minutes(day)))]
            }
            return ["week_of": .text(monday.iso), "cells": .list(cells), "total": .text(String(total))]
        }
    }

    private var yearLinks: [TemplateContext] {
        let base = "/u/\(owner.username)/stats"
        return [["label": .text("Past year"), "href": .text(base), "current": .bool(year == nil)]]
            + years.reversed().map { ["label": .text(String($0)), "href": .text("\(base)?year=\($0)"), "current": .bool(year == $0)] }
    }

    static func days(_ count: Int) -> String { count == 1 ? "1 day" : "\(count) days" }

    /// Which missed days freezes are covering now, nil when none are.
    static func coveringNote(_ streak: Streak.Standing) -> String? {
        switch streak.freezesCovering {
        case 0: return nil
        case 1: return "1 freeze covering yesterday"
        case let n: return "\(n) freezes covering the last \(n) days"
        }
    }

    /// The streak's freezes in words: which days they are covering now, how many are left and
    /// how many were used (those covering now included). Freeze days never count as streak days.
    static func freezeNotes(_ streak: Streak.Standing, spent: Int) -> [String] {
        var notes = coveringNote(streak).map { [$0] } ?? []
        notes.append(streak.freezesBanked == 1 ? "1 freeze banked" : "\(streak.freezesBanked) freezes banked")
        let used = spent + streak.freezesCovering
        notes.append(used == 1 ? "1 freeze spent so far" : "\(used) freezes spent so far")
        return notes
    }
}
