import Domain
import Testing

@Suite("Favorite room status")
struct FavoriteRoomStatusTests {
    @Test func theTimerAndTheSegmentSayWhatTheRoomIsDoing() {
        #expect(FavoriteRoomStatus(live: true, status: .running, segmentKind: .focus, msLeft: 12 * 60_000 - 500) == .focusing(minutesLeft: 12))
        #expect(FavoriteRoomStatus(live: true, status: .running, segmentKind: .focus, msLeft: 100).words == "Focus running (1 min left)")
        #expect(FavoriteRoomStatus(live: true, status: .running, segmentKind: .longBreak, msLeft: 5 * 60_000) == .onBreak(minutesLeft: 5))
        #expect(FavoriteRoomStatus(live: true, status: .paused, segmentKind: .focus, msLeft: nil) == .paused)
        #expect(FavoriteRoomStatus(live: true, status: .idle, segmentKind: nil, msLeft: nil) == .idle)
        #expect(FavoriteRoomStatus(live: true, status: .ended, segmentKind: nil, msLeft: nil) == .finished)
    }

    @Test func anExpiredRoomIsExpiredWhateverItsTimerSaid() {
        #expect(FavoriteRoomStatus(live: false, status: .running, segmentKind: .focus, msLeft: 60_000) == .expired)
    }
}
