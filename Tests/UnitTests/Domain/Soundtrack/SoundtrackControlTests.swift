import Testing

@testable import Domain

/// The sync rules of the room's soundtrack that need no server: what each control does from each
/// state, the seek form's positions, and how the queue catches up after tracks ended unseen.
@Suite("Soundtrack controls")
struct SoundtrackControlTests {
    typealias State = SoundtrackTransition.State
    static let silent = State(currentEntry: nil, isPlaying: false, positionMs: 0, durationMs: 0, upNextCount: 0)
    static let queued = State(currentEntry: nil, isPlaying: false, positionMs: 0, durationMs: 0, upNextCount: 2)
    static let playing = State(currentEntry: "e1", isPlaying: true, positionMs: 30_000, durationMs: 180_000, upNextCount: 1)
    static let paused = State(currentEntry: "e1", isPlaying: false, positionMs: 30_000, durationMs: 180_000, upNextCount: 0)

    @Test(arguments: [
        (SoundtrackControl.play, silent, SoundtrackEffect?.none, SoundtrackRefusal?.some(.emptyQueue)),
        (.play, queued, .start, nil), (.play, playing, .nothing, nil), (.play, paused, .resume, nil),
        (.pause, playing, .pause(atMs: 30_000), nil), (.pause, paused, .nothing, nil),
        (.seek(ms: 0), playing, .seek(toMs: 0), nil), (.seek(ms: 180_000), paused, .seek(toMs: 180_000), nil),
        (.skip, playing, .skip(toNext: true), nil), (.skip, paused, .skip(toNext: false), nil),
        (.skip, silent, nil, .emptyQueue),
    ])
    func eachControlFromEachState(control: SoundtrackControl, state: State, effect: SoundtrackEffect?, refusal: SoundtrackRefusal?) {
        do throws(SoundtrackRefusal) {
            #expect(try SoundtrackTransition.of(control, seenEntry: state.currentEntry, from: state) == effect)
            #expect(refusal == nil)
        } catch {
            #expect(error == refusal)
        }
    }

    @Test func seekingOutsideTheTrackOrWithNothingPlayingIsRefused() {
        for ms in [-1, 180_001, Int.max] {
            #expect(throws: SoundtrackRefusal.self) { try SoundtrackTransition.of(.seek(ms: ms), seenEntry: "e1", from: Self.playing) }
        }
        #expect(throws: SoundtrackRefusal.self) { try SoundtrackTransition.of(.seek(ms: 0), seenEntry: nil, from: Self.queued) }
        #expect(throws: SoundtrackRefusal.self) { try SoundtrackTransition.of(.pause, seenEntry: nil, from: Self.silent) }
        #expect(throws: SoundtrackRefusal.self) { try SoundtrackTransition.of(.skip, seenEntry: nil, from: Self.queued) }
    }

    @Test func aClickOnATrackThatHasChangedSkipsAndMovesNothing() {
        for control in [SoundtrackControl.skip, .seek(ms: 1000)] {
            #expect(throws: SoundtrackRefusal.self) { try SoundtrackTransition.of(control, seenEntry: "e0", from: Self.playing) }
            #expect(throws: SoundtrackRefusal.self) { try SoundtrackTransition.of(control, seenEntry: nil, from: Self.playing) }
        }
    }

    @Test(arguments: [
        ("83", 83_000), ("0", 0), ("1:23", 83_000), ("01:02:03", 3_723_000), ("83.5", 83_500), ("1:23.25", 83_250),
        (" 7 ", 7_000), ("-5", -5_000),
    ])
    func positionsAreSecondsOrAClock(typed: String, ms: Int) throws {
        #expect(try SeekPosition.milliseconds(typed) == ms)
    }

    @Test(arguments: ["", "-", "1e3", "0x10", "1:60", "1::2", "1:2:3:4", "abc", "12.3456", "1.2.3", "9999999999", "+5", "1 :2", "٣"])
    func anythingElseIsNotAPosition(typed: String) {
        #expect(throws: SoundtrackRefusal.self) { try SeekPosition.milliseconds(typed) }
    }

    @Test func lengthsReadLikeAClock() {
        #expect(SeekPosition.text(225_000) == "3:45")
        #expect(SeekPosition.text(5_000) == "0:05")
        #expect(SeekPosition.text(3_723_000) == "1:02:03")
    }

    @Test func theQueueCatchesUpThroughTracksThatEndedUnseen() {
        // The track ended 1 s ago: the next one is 1 s in.
        #expect(caughtUp(overrunMs: 1_000, nextDurationsMs: [60_000]) == (0, 0, 1_000))
        // Ended 70 s ago: a 60 s track also played whole, the one after is 10 s in.
        #expect(caughtUp(overrunMs: 70_000, nextDurationsMs: [60_000, 30_000]) == (1, 1, 10_000))
        // Longer than everything left: the queue ran out, the room falls silent.
        #expect(caughtUp(overrunMs: 100_000, nextDurationsMs: [60_000, 30_000]) == (2, nil, 0))
        #expect(caughtUp(overrunMs: 0, nextDurationsMs: []) == (0, nil, 0))
    }

    func caughtUp(overrunMs: Int, nextDurationsMs: [Int]) -> (Int, Int?, Int) {
        let c = QueueCatchUp(overrunMs: overrunMs, nextDurationsMs: nextDurationsMs)
        return (c.finished, c.current, c.positionMs)
    }

    @Test func aDJsPollGetsTheSoundtracksControlsOnly() {
        #expect(PollVariant(isHost: false, isDJ: true) == .dj)
        #expect(PollVariant(isHost: true, isDJ: true) == .host)
        #expect(PollVariant.dj.runsSoundtrack && PollVariant.host.runsSoundtrack && !PollVariant.everyone.runsSoundtrack)
    }
}
