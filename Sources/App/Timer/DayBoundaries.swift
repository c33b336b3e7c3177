import Domain
import Foundation

/// Day rules by zone and reset time, made once per batch: 100,000 timers reset at Berlin's
/// midnight share one `DayBoundary` and one answer to each question, where building a
/// `Calendar` and working out DST per timer would cost seconds.
struct DayBoundaries {
    private struct Key: Hashable {
        let zone: String
        let minutes: Int
    }
    private struct DayKey: Hashable {
        let key: Key
        let day: LocalDate
    }
    private var rules: [Key: DayBoundary] = [:]
    private var nextStarts: [DayKey: Date] = [:]
    private var days: [Key: (at: Date, day: LocalDate)] = [:]
    private var clocks: [String: (at: Date, text: String)] = [:]

    /// The rule `PersonalTimer.boundary` gives: the zone (UTC when the system no longer knows
    /// it) and the reset time.
    mutating func rule(zone: String, minutes: Int) -> DayBoundary {
        let key = Key(zone: zone, minutes: minutes)
        if let rule = rules[key] { return rule }
        let rule = DayBoundary(zoneName: zone, resetMinutes: minutes) ?? DayBoundary(zoneName: "UTC", resetMinutes: minutes)!
        rules[key] = rule
        return rule
    }

    mutating func rule(for timer: PersonalTimer) -> DayBoundary { rule(zone: timer.zone, minutes: timer.settings.resetTime.minutes) }

    /// When the day after `day` begins: the next reset of a count whose day is `day`.
    mutating func nextStart(after day: LocalDate, zone: String, minutes: Int) -> Date {
        let key = DayKey(key: Key(zone: zone, minutes: minutes), day: day)
        if let known = nextStarts[key] { return known }
        let boundary = rule(zone: zone, minutes: minutes)
        let next = boundary.next(after: boundary.start(of: day))
        nextStarts[key] = next
        return next
    }

    /// The day `instant` falls in for `timer`.
    mutating func day(at instant: Date, for timer: PersonalTimer) -> LocalDate {
        let key = Key(zone: timer.zone, minutes: timer.settings.resetTime.minutes)
        if let known = days[key], known.at == instant { return known.day }
        let day = rule(for: timer).day(at: instant)
        days[key] = (instant, day)
        return day
    }

    /// The wall time at `instant` in `zone`, as the audit trail writes it.
    mutating func wallClock(at instant: Date, zone: String) -> String {
        if let known = clocks[zone], known.at == instant { return known.text }
        let text = rule(zone: zone, minutes: 0).wallClock(at: instant)
        clocks[zone] = (instant, text)
        return text
    }
}
