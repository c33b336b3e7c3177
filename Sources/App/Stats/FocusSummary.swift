import Domain
import Foundation

/// What a stats page draws from the ledger, summed once: seconds per stamped day, and the
/// hours of the week over the days of its grid (each row on the clock of its own zone).
struct FocusSummary: Sendable {
    let secondsByDay: [Int: Int]
    let hours: HourBuckets

    init(_ credits: [UserStatsStore.Credit], hoursOf days: ClosedRange<LocalDate>) {
        var secondsByDay: [Int: Int] = [:]
        var hours = HourBuckets()
        var zones: [String: TimeZone] = [:]
        for credit in credits {
            secondsByDay[credit.day.dayNumber, default: 0] += credit.seconds
            guard days.contains(credit.day) else { continue }
            let zone = zones[credit.zone] ?? TimeZone(identifier: credit.zone) ?? TimeZone(identifier: "UTC")!
            zones[credit.zone] = zone
            hours.add(from: credit.start, to: credit.end, seconds: credit.seconds, zone: zone)
        }
        self.secondsByDay = secondsByDay
        self.hours = hours
    }

    func seconds(on day: LocalDate) -> Int { secondsByDay[day.dayNumber] ?? 0 }

    /// Everything stamped on `first` or later.
    func seconds(from first: LocalDate) -> Int {
        secondsByDay.reduce(0) { $0 + ($1.key >= first.dayNumber ? $1.value : 0) }
    }
}
