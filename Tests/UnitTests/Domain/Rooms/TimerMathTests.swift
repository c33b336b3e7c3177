import Testing

@testable import Domain

@Suite("Timer maths")
struct TimerMathTests {
    let classic = SegmentSpec.classic.map(\.duration.seconds)
    let focus = SegmentSpec.classic.map { $0.kind == .focus }

    @Test func aSegmentStillRunningDoesNotAdvance() {
        #expect(TimerMath.advance(durationsSec: classic, isFocus: focus, index: 0, msToEnd: 1) == nil)
    }

    @Test func theNextSegmentStartsWhenThePreviousEnded() throws {
        let a = try #require(TimerMath.advance(durationsSec: classic, isFocus: focus, index: 0, msToEnd: -2_000))
        #expect(a.index == 1 && !a.ended)
        #expect(a.msToEnd == 298_000)
        #expect(a.completedFocus.map(\.index) == [0])
        #expect(a.completedFocus.map(\.endedAtMs) == [-2_000])
    }

    @Test func aLongAbsenceCreditsEveryFocusSegmentOnceAndEnds() throws {
        let a = try #require(TimerMath.advance(durationsSec: classic, isFocus: focus, index: 0, msToEnd: -10_000_000))
        #expect(a.ended)
        #expect(a.index == classic.count - 1)
        #expect(a.completedFocus.map(\.index) == [0, 2, 4, 6])
    }

    @Test func breaksAreNotCredited() throws {
        let a = try #require(TimerMath.advance(durationsSec: classic, isFocus: focus, index: 1, msToEnd: 0))
        #expect(a.completedFocus.isEmpty)
        #expect(a.index == 2)
    }
}
