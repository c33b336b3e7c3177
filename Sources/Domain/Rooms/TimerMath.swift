/// Timer arithmetic on plain values: what happened to a running queue after its current
/// segment ended, given how long ago that was. No clock is read here.
public enum TimerMath {
    public struct Advance: Equatable, Sendable {
        /// The segment now current (the last one when the queue ran out).
        public let index: Int
        /// True when the queue ran out: the session is over.
        public let ended: Bool
        /// Milliseconds from now until the new current segment ends (running only).
        public let msToEnd: Double
        /// Indexes of the focus segments that ran to their end, each with its end time as
        /// milliseconds relative to now (negative: in the past).
        public let completedFocus: [(index: Int, endedAtMs: Double)]

        public static func == (a: Advance, b: Advance) -> Bool {
            a.index == b.index && a.ended == b.ended && a.msToEnd == b.msToEnd
                && a.completedFocus.map(\.index) == b.completedFocus.map(\.index)
                && a.completedFocus.map(\.endedAtMs) == b.completedFocus.map(\.endedAtMs)
        }
    }

    /// `msToEnd` ≤ 0: the current segment ended that long ago. Each following segment starts
    /// when the previous one ended, however late this is computed, so a long absence catches up
    /// through several segments. nil when the current segment has not ended.
    public static func advance(durationsSec: [Int], isFocus: [Bool], index start: Int, msToEnd: Double) -> Advance? {
        guard msToEnd <= 0 else { return nil }
        var index = start
        var offset = msToEnd
        var completed: [(index: Int, endedAtMs: Double)] = []
        while true {
            if index < isFocus.count, isFocus[index] { completed.append((index, offset)) }
            if index + 1 >= durationsSec.count {
                return Advance(index: index, ended: true, msToEnd: 0, completedFocus: completed)
            }
            index += 1
            offset += Double(durationsSec[index] * 1000)
            if offset > 0 { return Advance(index: index, ended: false, msToEnd: offset, completedFocus: completed) }
        }
    }
}
