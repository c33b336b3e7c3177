import Foundation

/// Focus spread over the hours of the week, by the wall clock where it happened: each stretch
/// of credit is cut at the local hour boundaries of its own zone and its seconds shared out in
/// proportion, so a stretch from 23:30 to 00:30 gives half to each day, and on DST days an hour
/// the clock skips gets nothing while the hour it repeats gets both.
public struct HourBuckets: Sendable, Equatable {
    /// Seconds by ISO weekday (index 0 is Monday) and hour 0–23.
    public private(set) var seconds: [[Double]] = Array(repeating: Array(repeating: 0, count: 24), count: 7)
    /// Per zone, the latest stretch of time with one UTC offset that was looked up: stretches
    /// come in time order, so a year of credit asks the zone only a few times.
    private var offsets: [String: Offset] = [:]

    private struct Offset: Sendable, Equatable {
        let from: Double
        let until: Double
        let seconds: Double
    }

    public init() {}

    /// Adds `credited` seconds that fell between `start` and `end` (spread evenly over that
    /// time), read on the wall clock of `zone`.
    public mutating func add(from start: Date, to end: Date, seconds credited: Int, zone: TimeZone) {
        let begin = start.timeIntervalSince1970
        let finish = end.timeIntervalSince1970
        guard finish > begin, credited > 0 else { return }
        let share = Double(credited) / (finish - begin)
        var t = begin
        while t < finish {
            let offset = offset(at: t, zone: zone)
            let local = t + offset.seconds
            let hourStart = (local / 3600).rounded(.down) * 3600
            // Never stuck: every cut after the first falls on whole seconds.
            let cut = max(min(hourStart + 3600 - offset.seconds, offset.until, finish), t.nextUp)
            let day = Int((local / 86_400).rounded(.down))
            let weekday = ((day + 3) % 7 + 7) % 7
            let hour = (Int(hourStart / 3600) % 24 + 24) % 24
            seconds[weekday][hour] += (cut - t) * share
            t = cut
        }
    }

    /// Whole minutes for an ISO weekday (1 is Monday) and hour, rounded to the nearest.
    public func minutes(weekday: Int, hour: Int) -> Int { Int((seconds[weekday - 1][hour] / 60).rounded()) }

    /// The largest cell, in whole minutes.
    public var busiestMinutes: Int { Int(((seconds.map { $0.max() ?? 0 }.max() ?? 0) / 60).rounded()) }

    private mutating func offset(at t: Double, zone: TimeZone) -> Offset {
        if let known = offsets[zone.identifier], known.from <= t, t < known.until { return known }
        let date = Date(timeIntervalSince1970: t)
        let until = zone.nextDaylightSavingTimeTransition(after: date)?.timeIntervalSince1970 ?? .infinity
        let found = Offset(from: t, until: until, seconds: Double(zone.secondsFromGMT(for: date)))
        offsets[zone.identifier] = found
        return found
    }
}
