/// The shared timer's rules: what a host's control does to the timer as the locked room row
/// has it, or why it is refused. Pure: `TimerStore` reads the row, asks here, and writes what
/// comes back. A refusal changes nothing.
public struct TimerTransition: Equatable, Sendable {
    /// What to write.
    public enum Effect: Equatable, Sendable {
        /// Run segment `index`: for `remainingMs` when resuming, else for its full duration
        /// (which the store reads, refusing when there is no such segment).
        case run(index: Int, remainingMs: Int?)
        /// Stop the clock, keeping what remains of the current segment.
        case pause
        /// The session is over, at segment `index`.
        case finish(at: Int)
    }

    public let effect: Effect
    /// Whether the queue's look changes too (its current or next segment moves, or it starts or
    /// ends), not only the clock.
    public let movesQueue: Bool

    /// The timer as the locked row has it.
    public struct Position: Equatable, Sendable {
        public let status: RoomStatus
        public let index: Int
        public let segmentCount: Int
        public let pausedRemainingMs: Int?

        public init(status: RoomStatus, index: Int, segmentCount: Int, pausedRemainingMs: Int?) {
            self.status = status
            self.index = index
            self.segmentCount = segmentCount
            self.pausedRemainingMs = pausedRemainingMs
        }
    }

    public init(effect: Effect, movesQueue: Bool) {
        self.effect = effect
        self.movesQueue = movesQueue
    }

    /// `seenIndex` is the segment the host's page showed: a different one means the room moved
    /// on meanwhile, and the click is refused rather than applied to a segment they did not see.
    public static func of(_ action: TimerAction, seenIndex: Int, from timer: Position) throws(RoomRefusal) -> TimerTransition {
        guard seenIndex == timer.index else {
            throw .stale("The timer has moved on since your page was drawn; nothing was changed. Here is where it is now.")
        }
        func refuse(_ why: String) -> RoomRefusal { .stale(why + " Nothing was changed.") }
        let status = timer.status
        switch action {
        case .start:
            guard status == .idle else { throw refuse(status == .ended ? "This session has ended." : "The timer is already started.") }
            return TimerTransition(effect: .run(index: timer.index, remainingMs: nil), movesQueue: true)
        case .pause:
            guard status == .running else { throw refuse("The timer is not running.") }
            return TimerTransition(effect: .pause, movesQueue: false)
        case .resume:
            guard status == .paused, let remaining = timer.pausedRemainingMs else { throw refuse("The timer is not paused.") }
            return TimerTransition(effect: .run(index: timer.index, remainingMs: remaining), movesQueue: false)
        case .skip:
            guard status.isStarted else { throw refuse("Start the timer before skipping.") }
            let next = timer.index + 1
            let effect: Effect = next >= timer.segmentCount ? .finish(at: timer.index) : .run(index: next, remainingMs: nil)
            return TimerTransition(effect: effect, movesQueue: true)
        case .restart:
            guard status.isStarted else { throw refuse("Only a started segment can be restarted.") }
            return TimerTransition(effect: .run(index: timer.index, remainingMs: nil), movesQueue: false)
        case .end:
            guard status != .ended else { throw refuse("This session has already ended.") }
            return TimerTransition(effect: .finish(at: timer.index), movesQueue: true)
        }
    }
}
