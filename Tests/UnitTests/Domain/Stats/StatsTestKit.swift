import Foundation

@testable import Domain

/// An instant from a wall time in a zone, for readable tables.
func instant(_ text: String, _ zone: String) -> Date {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: zone)
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.date(from: text)!
}

func day(_ text: String) -> LocalDate { LocalDate(iso: text)! }

/// Folds credits as the ledger would write them: stamped by `FocusStretch` in the zone of the
/// moment, never earlier than a day already credited.
func tally(_ credits: [(wall: String, zone: String)], minutes: Int = 25) -> FocusTally {
    var tally = FocusTally()
    for credit in credits {
        let end = instant(credit.wall, credit.zone)
        let pieces = FocusStretch(end: end, seconds: minutes * 60).pieces(
            boundary: DayBoundary(zoneName: credit.zone)!, creditedUntil: tally.creditedUntil, notBefore: tally.lastDay)
        for piece in pieces {
            tally.add(.init(day: piece.day, end: piece.end, seconds: piece.seconds, zone: credit.zone, completed: piece.isLast))
        }
    }
    return tally
}

func days(_ first: String, count: Int, at time: String = "09:00:00", zone: String = "Europe/Berlin") -> [(wall: String, zone: String)] {
    (0..<count).map { (day(first).adding(days: $0).iso + " " + time, zone) }
}
