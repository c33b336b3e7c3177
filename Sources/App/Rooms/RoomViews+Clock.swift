import Domain
import Foundation
import Web

/// Clock maths for the timer as shown: the countdown text and UTC times, cheap enough for every view.
extension RoomViews {
    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

    /// "24:59", or "1:04:59" past an hour; rounds up, like the countdown in live.js.
    static func clock(_ ms: Int) -> String {
        let total = (ms + 999) / 1000
        let h = total / 3600
        let m = total % 3600 / 60
        let s = total % 60
        return h > 0 ? "\(h):\(twoDigits(m)):\(twoDigits(s))" : "\(twoDigits(m)):\(twoDigits(s))"
    }

    /// An epoch time in UTC as ISO 8601 and as "HH:MM:SS UTC" (`LocalDate`'s civil-from-days
    /// arithmetic: this runs for every page view, where Calendar would cost more than the rest of
    /// the timer).
    static func utcTime(_ epochMs: Int) -> (iso: String, text: String) {
        let seconds = epochMs / 1000
        let days = seconds / 86_400
        let rest = seconds % 86_400
        let (year, month, day) = LocalDate(dayNumber: days).components
        let time = "\(twoDigits(rest / 3600)):\(twoDigits(rest % 3600 / 60)):\(twoDigits(rest % 60))"
        return ("\(year)-\(twoDigits(month))-\(twoDigits(day))T\(time)Z", time + " UTC")
    }
}
