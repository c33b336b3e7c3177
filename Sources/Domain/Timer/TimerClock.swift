import Foundation

/// The moving parts of a personal timer as its row stores them: which segment, whether it runs,
/// when it ends (running) or what remained (paused), where the cycle is, and what the person
/// last did. Everything a page shows is derived from these and the clock; `TimerCycle` moves them.
public struct TimerClock: Equatable, Sendable {
    public var phase: TimerPhase
    public var status: PersonalTimerStatus
    /// The current segment's length, fixed when it started (a settings change waits for the next).
    public var segmentSeconds: Int
    public var endsAt: Date?
    public var pausedRemainingMs: Int?
    /// Focus segments ended (ran out, or cut after running) since the cycle began.
    public var cycleDone: Int
    /// A person's last control: auto-started focus needs someone to have been there lately.
    public var lastActivityAt: Date
    /// When it last stopped running; nil while running.
    public var stoppedAt: Date?
    /// Run time of the current segment already written (at pauses).
    public var accountedMs: Int

    public init(
        phase: TimerPhase = .focus, status: PersonalTimerStatus = .idle, segmentSeconds: Int, endsAt: Date? = nil,
        pausedRemainingMs: Int? = nil, cycleDone: Int = 0, lastActivityAt: Date, stoppedAt: Date? = nil, accountedMs: Int = 0
    ) {
        self.phase = phase
        self.status = status
        self.segmentSeconds = segmentSeconds
        self.endsAt = endsAt
        self.pausedRemainingMs = pausedRemainingMs
        self.cycleDone = cycleDone
        self.lastActivityAt = lastActivityAt
        self.stoppedAt = stoppedAt
        self.accountedMs = accountedMs
    }

    /// Milliseconds left of the current segment at `now` (its whole length while idle).
    public func remainingMs(at now: Date) -> Int {
        switch status {
        case .running: return max(0, Int(((endsAt ?? now).timeIntervalSince(now) * 1000).rounded(.up)))
        case .paused: return pausedRemainingMs ?? 0
        case .idle: return segmentSeconds * 1000
        }
    }

    /// Milliseconds the current segment has run by `now`.
    public func ranMs(at now: Date) -> Int { status == .idle ? 0 : max(0, segmentSeconds * 1000 - remainingMs(at: now)) }

    /// Idle at the first focus of a cycle: nothing to stop, nothing for the idle time to undo.
    public var isAtCycleStart: Bool { status == .idle && phase == .focus && cycleDone == 0 }
}
