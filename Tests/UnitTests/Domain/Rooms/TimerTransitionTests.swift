import Testing

@testable import Domain

@Suite("Timer transitions")
struct TimerTransitionTests {
    typealias Effect = TimerTransition.Effect

    /// A queue of 4 segments, at segment 1.
    static func at(_ status: RoomStatus, index: Int = 1, paused: Int? = nil) -> TimerTransition.Position {
        .init(status: status, index: index, segmentCount: 4, pausedRemainingMs: paused)
    }

    /// Every control the host has, from every state the timer can be in: what is written.
    @Test(arguments: [
        (TimerAction.start, at(.idle), Effect.run(index: 1, remainingMs: nil), true),
        (.pause, at(.running), .pause, false),
        (.resume, at(.paused, paused: 90_000), .run(index: 1, remainingMs: 90_000), false),
        (.skip, at(.running), .run(index: 2, remainingMs: nil), true),
        (.skip, at(.paused, paused: 5_000), .run(index: 2, remainingMs: nil), true),
        (.skip, at(.running, index: 3), .finish(at: 3), true),
        (.restart, at(.running), .run(index: 1, remainingMs: nil), false),
        (.restart, at(.paused, paused: 5_000), .run(index: 1, remainingMs: nil), false),
        (.end, at(.idle), .finish(at: 1), true),
        (.end, at(.running), .finish(at: 1), true),
        (.end, at(.paused, paused: 5_000), .finish(at: 1), true),
    ])
    func aControlMovesTheTimer(action: TimerAction, from: TimerTransition.Position, effect: Effect, movesQueue: Bool) throws {
        let transition = try TimerTransition.of(action, seenIndex: from.index, from: from)
        #expect(transition == TimerTransition(effect: effect, movesQueue: movesQueue))
    }

    /// Every control that makes no sense in a state is refused with the reason, as a conflict
    /// with what the page showed.
    @Test(arguments: [
        (TimerAction.start, at(.running), "The timer is already started."),
        (.start, at(.paused, paused: 1_000), "The timer is already started."),
        (.start, at(.ended), "This session has ended."),
        (.pause, at(.idle), "The timer is not running."),
        (.pause, at(.paused, paused: 1_000), "The timer is not running."),
        (.pause, at(.ended), "The timer is not running."),
        (.resume, at(.running), "The timer is not paused."),
        (.resume, at(.idle), "The timer is not paused."),
        (.resume, at(.paused, paused: nil), "The timer is not paused."),
        (.skip, at(.idle), "Start the timer before skipping."),
        (.skip, at(.ended), "Start the timer before skipping."),
        (.restart, at(.idle), "Only a started segment can be restarted."),
        (.restart, at(.ended), "Only a started segment can be restarted."),
        (.end, at(.ended), "This session has already ended."),
    ])
    func aControlThatDoesNotFitTheStateIsRefused(action: TimerAction, from: TimerTransition.Position, reason: String) {
        #expect(throws: RoomRefusal.stale(reason + " Nothing was changed.")) {
            try TimerTransition.of(action, seenIndex: from.index, from: from)
        }
    }

    @Test(arguments: TimerAction.allCases)
    func aClickOnASegmentThePageNoLongerShowsIsRefused(action: TimerAction) {
        #expect(throws: RoomRefusal.self) { try TimerTransition.of(action, seenIndex: 0, from: Self.at(.running)) }
    }
}
