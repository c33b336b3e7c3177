import Foundation

/// One stretch of focus to credit to one person: `seconds` of honest focus that ended at `end`.
/// The seconds are taken as running back from the end without a gap (the crediting transaction
/// knows how much, not exactly when), trimmed so that nothing is credited twice for the same
/// moment, and cut at the person's day boundaries so each piece lands on its own day.
public struct FocusStretch: Sendable, Equatable {
    public let end: Date
    public let seconds: Int

    public init(end: Date, seconds: Int) {
        self.end = end
        self.seconds = seconds
    }

    /// A piece of a stretch on one local day.
    public struct Piece: Sendable, Equatable {
        public let start: Date
        public let end: Date
        public let seconds: Int
        public let day: LocalDate
        /// Whether this piece is the stretch's last (the one that carries "completed").
        public let isLast: Bool
    }

    /// The pieces to write: after `creditedUntil` (the end of the person's latest credit, if
    /// any), cut at `boundary`'s day starts, each stamped with its day but never earlier than
    /// `notBefore` (the latest day already credited: a day never goes back, so flying west does
    /// not live the same day twice). Pieces of less than a whole second are dropped.
    public func pieces(boundary: DayBoundary, creditedUntil: Date?, notBefore: LocalDate?) -> [Piece] {
        var start = end.addingTimeInterval(-Double(seconds))
        if let creditedUntil, creditedUntil > start { start = creditedUntil }
        guard end.timeIntervalSince(start) >= 1 else { return [] }
        var cuts: [(Date, Date)] = []
        var from = start
        while true {
            let next = boundary.next(after: from)
            if next >= end {
                cuts.append((from, end))
                break
            }
            cuts.append((from, next))
            from = next
        }
        // Whole seconds from the start, so the pieces' seconds add up to the stretch's: rounding
        // each piece down on its own would lose up to a second at every day boundary.
        let total = Int(end.timeIntervalSince(start).rounded(.down))
        func offset(_ t: Date) -> Int { t == end ? total : min(total, Int(t.timeIntervalSince(start).rounded())) }
        let kept = cuts.map { (cut: $0, seconds: offset($0.1) - offset($0.0)) }.filter { $0.seconds >= 1 }
        return kept.enumerated().map { index, piece in
            var day = boundary.day(at: piece.cut.0)
            if let notBefore, day < notBefore { day = notBefore }
            return Piece(start: piece.cut.0, end: piece.cut.1, seconds: piece.seconds, day: day, isLast: index == kept.count - 1)
        }
    }
}
