import Foundation
import Testing

@testable import Domain

@Suite("Soundtrack rules")
struct SoundtrackRulesTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func positionIsComputedNeverTicked() {
        let playing = Playback(isPlaying: true, positionMs: 10_000, updatedAt: t0, durationMs: 60_000)
        #expect(playing.position(at: t0.addingTimeInterval(2.5)) == 12_500)
        #expect(playing.position(at: t0.addingTimeInterval(-5)) == 10_000)
        #expect(playing.position(at: t0.addingTimeInterval(500)) == 60_000)
        #expect(playing.endsAt == t0.addingTimeInterval(50))
        #expect(playing.hasEnded(at: t0.addingTimeInterval(50)))
        #expect(!playing.hasEnded(at: t0.addingTimeInterval(49.9)))
        let paused = Playback(isPlaying: false, positionMs: 10_000, updatedAt: t0, durationMs: 60_000)
        #expect(paused.position(at: t0.addingTimeInterval(100)) == 10_000)
        #expect(paused.endsAt == nil)
    }

    @Test func searchesAreCleanedAndBounded() throws {
        let q = try CatalogueQuery("  Lo-Fi\t  Beats  ")
        #expect(q.text == "Lo-Fi Beats")
        #expect(CatalogueCacheKey.search(q).key == "search:lo-fi beats")
        for bad in ["", "   ", "a\u{0}b", "x\u{1B}[31m", String(repeating: "k", count: 10_240), String(repeating: "w ", count: 60)] {
            #expect(throws: SoundtrackRefusal.self) { try CatalogueQuery(bad) }
        }
    }

    @Test func theSeedsKeysAndLifetimes() throws {
        let id = try #require(PipedID("dQw4w9WgXcQ"))
        #expect(CatalogueCacheKey.recommendations(id).key == "recommendations:dQw4w9WgXcQ:v2")
        #expect(CatalogueCacheKey.recommendations(id).ttl == 3600)
        #expect(CatalogueCacheKey.trending.key == "trending" && CatalogueCacheKey.trending.ttl == 7200)
        #expect(CatalogueCacheKey.homeShelves.key == "home:shelves" && CatalogueCacheKey.homeShelves.ttl == 3600)
        for bad in ["", "dQw4w9WgXc", "dQw4w9WgXcQQ", "dQw4w9WgX/Q", "../../etc/p", "dQw4w9WgXc\u{E9}"] { #expect(PipedID(bad) == nil) }
    }

    @Test func modesFollowThePhase() {
        #expect(SoundtrackMode.always.volume(duringFocus: true) == 1)
        #expect(SoundtrackMode.breaks.volume(duringFocus: true) == 0)
        #expect(SoundtrackMode.breaks.volume(duringFocus: false) == 1)
        #expect(SoundtrackMode.quieter.volume(duringFocus: true) < 1)
    }
}
