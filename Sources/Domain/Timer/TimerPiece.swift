import Foundation

/// A stretch of a segment's run time to write down once: focus goes to the ledger and the day's
/// work seconds, a break to the day's break seconds. Made when a segment ends or is cut, and at
/// each pause (so the ledger places focus when it ran).
public struct TimerPiece: Equatable, Sendable {
    public let phase: TimerPhase
    public let ms: Int
    public let endedAt: Date
    /// The owner's day (by their reset time) the piece ended in.
    public let day: LocalDate
    /// A focus segment that ran to its end: a session for today's count and the day's stats.
    public let isSession: Bool

    public init(phase: TimerPhase, ms: Int, endedAt: Date, day: LocalDate, isSession: Bool) {
        self.phase = phase
        self.ms = ms
        self.endedAt = endedAt
        self.day = day
        self.isSession = isSession
    }
}
