import Domain
import Foundation
import Web

/// The insights page's context (`journal_insights`): figures, and each chart with the same
/// numbers as a table beside it (what screen readers and text browsers read), from what
/// `JournalInsightsStore` gathered.
struct JournalInsightsView {
    let gathered: JournalInsightsStore.Gathered

    /// The pomodoros chart's series, bottom up.
    enum Ending: Int, CaseIterable {
        case completed, completedAfterPauses, endedEarly, open

        var words: String {
            switch self {
            case .completed: return "Completed without a pause"
            case .completedAfterPauses: return "Completed after pauses"
            case .endedEarly: return "Ended early"
            case .open: return "Still open"
            }
        }

        init(_ group: JournalInsightsStore.SessionGroup) {
            switch group.status {
            case .completed: self = group.paused ? .completedAfterPauses : .completed
            case .abandoned: self = .endedEarly
            case .running, .interrupted: self = .open
            }
        }
    }

    var context: TemplateContext {
        let g = gathered
        let buckets = bucketStarts
        let bucketIndex = Dictionary(uniqueKeysWithValues: buckets.enumerated().map { ($0.element, $0.offset) })
        // Counts by bucket, per ending and per intent.
        var endings = Array(repeating: Array(repeating: 0, count: Ending.allCases.count), count: buckets.count)
        var intents = Array(repeating: Array(repeating: 0, count: IntentCategory.allCases.count), count: buckets.count)
        var totals = Array(repeating: 0, count: Ending.allCases.count)
        var focusedSeconds = 0
        for group in g.sessions {
            let ending = Ending(group)
            totals[ending.rawValue] += group.count
            focusedSeconds += group.focusedSeconds
            guard let b = bucketIndex[group.bucket] else { continue }
            endings[b][ending.rawValue] += group.count
            intents[b][IntentCategory.allCases.firstIndex(of: group.intent)!] += group.count
        }
        let started = totals.reduce(0, +)
        let completed = totals[Ending.completed.rawValue] + totals[Ending.completedAfterPauses.rawValue]
        let ended = completed + totals[Ending.endedEarly.rawValue]
        let interruptionCount = g.interruptions.reduce(0) { $0 + $1.count }
        let breakCount = g.breaks.reduce(0) { $0 + $1.count }

        var context: TemplateContext = [
            "range_words": .text(g.range.words.lowercased()), "range_title": .text(g.range.words),
            "zone": .text(g.boundary.zone.identifier), "first_day": .text(g.first.iso), "today": .text(g.today.iso),
            "ranges": .list(
                InsightsRange.allCases.map {
                    ["label": .text($0.words), "href": .text("/journal/insights?range=\($0.rawValue)"), "current": .bool($0 == g.range)]
                }),
            "has_sessions": .bool(started > 0),
            "figure_started": .text(String(started)), "figure_completed": .text(String(completed)),
            "figure_after_pauses": .text(String(totals[Ending.completedAfterPauses.rawValue])),
            "figure_ended_early": .text(String(totals[Ending.endedEarly.rawValue])),
            "figure_open": .text(String(totals[Ending.open.rawValue])),
            "figure_rate": .text(Self.percent(completed, of: ended) ?? "no finished sessions"),
            "figure_focused": .text(FocusDuration.text(seconds: focusedSeconds)),
            "figure_interruptions": .text(String(interruptionCount)),
            "figure_per_session": .text(Self.oneDecimal(interruptionCount, per: started)),
            "figure_breaks": .text(String(breakCount)),
            "bucket_noun": .text(g.bucket.noun), "bucket_title": .text(g.bucket.noun.prefix(1).uppercased() + g.bucket.noun.dropFirst()),
        ]
        guard started > 0 else { return context }

        // Pomodoros per bucket.
        context["chart_pomodoros"] = .html(
            JournalCharts.stackedBars(
                zip(buckets, endings).map { JournalCharts.Stack(values: $1, label: g.bucket.shortLabel($0)) },
                series: Ending.allCases.map { Self.series($0.rawValue) }, id: "chart-pomodoros-title",
                title: "Pomodoros per \(g.bucket.noun): completed, completed after pauses, ended early, still open"))
        context["pomodoro_legend"] = .list(Ending.allCases.map { ["series": .text(Self.series($0.rawValue)), "words": .text($0.words)] })
        context["pomodoro_rows"] = .list(
            zip(buckets, endings).map { start, counts in
                [
                    "label": .text(g.bucket.label(start)), "total": .text(String(counts.reduce(0, +))),
                    "cells": .list(counts.map { ["count": .text(String($0))] }),
                ]
            })
        context["ending_names"] = .list(Ending.allCases.map { ["words": .text($0.words)] })

        // Interruptions by category and hour.
        var byHour = Array(repeating: Array(repeating: 0, count: InterruptionCategory.allCases.count), count: 24)
        var byCategory = Array(repeating: 0, count: InterruptionCategory.allCases.count)
        for group in g.interruptions where (0..<24).contains(group.hour) {
            let c = InterruptionCategory.allCases.firstIndex(of: group.category)!
            byHour[group.hour][c] += group.count
            byCategory[c] += group.count
        }
        context["has_interruptions"] = .bool(interruptionCount > 0)
        context["chart_interruption_categories"] = .html(
            JournalCharts.rows(
                zip(InterruptionCategory.allCases, byCategory).map { ($0.words, $1) }, id: "chart-interruption-categories-title",
                title: "Interruptions by category"))
        context["interruption_categories"] = .list(
            zip(InterruptionCategory.allCases, byCategory).map { category, count in
                ["words": .text(category.words), "count": .text(String(count)), "share": .text(Self.percent(count, of: interruptionCount) ?? "0%")]
            })
        context["chart_interruption_hours"] = .html(
            JournalCharts.stackedBars(
                byHour.enumerated().map { JournalCharts.Stack(values: $1, label: Self.hour($0)) },
                series: InterruptionCategory.allCases.indices.map(Self.series), id: "chart-interruption-hours-title",
                title: "Interruptions by hour of the day, by category"))
        context["category_legend"] = .list(
            InterruptionCategory.allCases.enumerated().map { ["series": .text(Self.series($0.offset)), "words": .text($0.element.words)] })
        context["interruption_hours"] = .list(
            byHour.enumerated().map { hour, counts in
                [
                    "hour": .text(Self.hour(hour) + ":00"), "total": .text(String(counts.reduce(0, +))),
                    "cells": .list(counts.map { ["count": .text(String($0))] }),
                ]
            })

        // Best focus hours.
        let minutes = g.focus.map { $0.map { Int((Double($0) / 60).rounded()) } }
        let busiest = minutes.map { $0.max() ?? 0 }.max() ?? 0
        context["chart_focus_hours"] = .html(
            StatsCharts.heatmap(
                minutes: { minutes[$0 - 1][$1] }, busiest: busiest, id: "chart-focus-hours-title",
                title: "Focused minutes by weekday and hour of the day"))
        context["weekday_names"] = .list(StatsCharts.weekdayNames.map { ["words": .text($0)] })
        context["focus_hours"] = .list(
            (0..<24).map { hour in
                ["hour": .text(Self.hour(hour) + ":00"), "cells": .list((0..<7).map { ["minutes": .text(String(minutes[$0][hour]))] })]
            })
        context["best_hours"] = .list(Self.best(minutes).map { ["words": .text($0)] })

        // Intents over time.
        context["chart_intents"] = .html(
            JournalCharts.stackedBars(
                zip(buckets, intents).map { JournalCharts.Stack(values: $1, label: g.bucket.shortLabel($0)) },
                series: IntentCategory.allCases.indices.map(Self.series), id: "chart-intents-title",
                title: "Sessions per \(g.bucket.noun) by intent"))
        context["intent_legend"] = .list(
            IntentCategory.allCases.enumerated().map { ["series": .text(Self.series($0.offset)), "words": .text($0.element.words)] })
        context["intent_rows"] = .list(
            zip(buckets, intents).map { start, counts in
                [
                    "label": .text(g.bucket.label(start)), "total": .text(String(counts.reduce(0, +))),
                    "cells": .list(counts.map { ["count": .text(String($0))] }),
                ]
            })
        context["intent_totals"] = .list(
            IntentCategory.allCases.indices.map { i in ["count": .text(String(intents.reduce(0) { $0 + $1[i] }))] })

        // Break activities: the six, then breaks where none was chosen.
        let activities: [(words: String, group: JournalInsightsStore.BreakGroup?)] =
            BreakActivity.allCases.map { a in (a.words, g.breaks.first { $0.activity == a }) }
            + [("Not chosen", g.breaks.first { $0.activity == nil })]
        context["has_breaks"] = .bool(breakCount > 0)
        context["chart_breaks"] = .html(
            JournalCharts.rows(activities.map { ($0.words, $0.group?.count ?? 0) }, id: "chart-breaks-title", title: "Breaks by activity"))
        context["break_rows"] = .list(
            activities.map { words, group in
                let average = group.flatMap { $0.ended > 0 ? Self.oneDecimal($0.minutes, per: $0.ended) : nil }
                return ["words": .text(words), "count": .text(String(group?.count ?? 0)), "average": .text(average ?? "–")]
            })
        return context
    }

    /// The buckets shown: from the range's first day through today (or the last day a session
    /// has, after the owner moved west).
    var bucketStarts: [LocalDate] {
        let last = max(gathered.today, gathered.sessions.map(\.bucket).max() ?? gathered.today)
        return gathered.bucket.starts(from: gathered.first, through: last)
    }

    static func series(_ index: Int) -> String { "series-\(index)" }

    static func hour(_ hour: Int) -> String { hour < 10 ? "0\(hour)" : "\(hour)" }

    /// "75%" (rounded down, so 99.6% of sessions is never "100%"); nil when there is nothing to divide.
    static func percent(_ part: Int, of whole: Int) -> String? {
        guard whole > 0 else { return nil }
        return "\(part * 100 / whole)%"
    }

    /// "1.3": `total / count` to a tenth; "0" when `count` is zero.
    static func oneDecimal(_ total: Int, per count: Int) -> String {
        guard count > 0 else { return "0" }
        let tenths = (total * 10 + count / 2) / count
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }

    /// The three weekday-hours with the most focus, in words ("Tue 09:00–10:00: 140 min").
    static func best(_ minutes: [[Int]]) -> [String] {
        var cells: [(weekday: Int, hour: Int, minutes: Int)] = []
        for weekday in 0..<7 {
            for hour in 0..<24 where minutes[weekday][hour] > 0 { cells.append((weekday, hour, minutes[weekday][hour])) }
        }
        return cells.sorted { ($0.minutes, -$0.weekday, -$0.hour) > ($1.minutes, -$1.weekday, -$1.hour) }.prefix(3).map {
            "\(StatsCharts.weekdayNames[$0.weekday]) \(hour($0.hour)):00–\(hour(($0.hour + 1) % 24)):00: \($0.minutes) min"
        }
    }
}
