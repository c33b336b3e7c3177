import Foundation

/// A position typed into the seek form: seconds ("83", "83.5") or a clock ("1:23", "1:02:03"),
/// in milliseconds. A leading minus is read (so "-5" is refused as before the start, by the
/// range check, not as gibberish); exponents, hex, signs in the middle and more than 9 digits a
/// part are refused as not a position at all.
public enum SeekPosition {
    public static func milliseconds(_ typed: String) throws(SoundtrackRefusal) -> Int {
        var text = Substring(typed.trimmingCharacters(in: .whitespaces))
        var negative = false
        if text.first == "-" {
            negative = true
            text = text.dropFirst()
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard !text.isEmpty, parts.count <= 3 else { throw notAPosition }
        var ms = 0
        for (i, part) in parts.enumerated() {
            let last = i == parts.count - 1
            let pieces = part.split(separator: ".", omittingEmptySubsequences: false)
            guard pieces.count == 1 || (last && pieces.count == 2), let whole = digits(pieces[0], max: 9) else { throw notAPosition }
            // Minutes and seconds after the first part are clock digits: 0…59.
            if i > 0 && whole > 59 { throw notAPosition }
            // Each part before the last counts sixty of the next: 1:23 is 60 + 23 seconds.
            ms = ms * 60 + whole * 1000
            if pieces.count == 2 {
                guard let fraction = digits(pieces[1], max: 3) else { throw notAPosition }
                ms += fraction * [100, 10, 1][pieces[1].count - 1]
            }
        }
        return negative ? -ms : ms
    }

    /// "3:45", or "1:02:03" past an hour (what the page shows of a length or a position).
    public static func text(_ ms: Int) -> String {
        let total = max(ms, 0) / 1000
        let h = total / 3600
        let m = total % 3600 / 60
        let s = total % 60
        let ss = s < 10 ? "0\(s)" : "\(s)"
        if h > 0 { return "\(h):\(m < 10 ? "0\(m)" : "\(m)"):\(ss)" }
        return "\(m):\(ss)"
    }

    private static var notAPosition: SoundtrackRefusal {
        .invalid("Type the position as seconds (83) or minutes and seconds (1:23).")
    }

    private static func digits(_ s: Substring, max: Int) -> Int? {
        guard !s.isEmpty, s.count <= max, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(s)
    }
}
