import Testing

@testable import Domain

@Suite("Catalogue rules")
struct CatalogueRulesTests {
    typealias C = AudioStreamChoice.Candidate

    func c(_ mime: String, _ bitrate: Int, track: String? = nil, videoOnly: Bool = false, _ name: String) -> C {
        C(url: name, mimeType: mime, bitrate: bitrate, videoOnly: videoOnly, audioTrackType: track)
    }

    @Test func theRoomPlaysTheOriginalAudioOnlyAACFirst() {
        let audio = [
            c("audio/webm; codecs=\"opus\"", 160_000, "opus160"),
            c("audio/mp4; codecs=\"mp4a.40.2\"", 129_000, track: "DUBBED", "aac-dubbed"),
            c("audio/mp4; codecs=\"mp4a.40.2\"", 128_000, track: "ORIGINAL", "aac128"),
            c("audio/mp4; codecs=\"mp4a.40.5\"", 48_000, track: "ORIGINAL", "aac48"),
        ]
        let muxed = [c("video/mp4", 500_000, "muxed360"), c("video/mp4", 4_000_000, videoOnly: true, "video1080")]
        #expect(AudioStreamChoice.best(audio: audio, muxed: muxed)?.url == "aac128")
        // Without AAC, Opus; without any audio-only stream, the smallest muxed one; never video only.
        #expect(AudioStreamChoice.best(audio: [audio[0]], muxed: muxed)?.url == "opus160")
        #expect(AudioStreamChoice.best(audio: [], muxed: muxed)?.url == "muxed360")
        #expect(AudioStreamChoice.best(audio: [], muxed: [muxed[1]]) == nil)
        // Over "enough", the smallest above it; a dubbed track only when nothing else exists.
        #expect(AudioStreamChoice.best(audio: [c("audio/mp4", 256_000, "a256"), c("audio/mp4", 192_000, "a192")], muxed: [])?.url == "a192")
        #expect(AudioStreamChoice.best(audio: [audio[1]], muxed: [])?.url == "aac-dubbed")
    }

    @Test func theSearchKeyFoldsWhatLooksTheSame() throws {
        #expect(try CatalogueQuery("ＬＯＦＩ  Beats").key == "lofi beats")
        #expect(try CatalogueQuery("Cafe\u{301}").key == CatalogueQuery("Café").key)
        #expect(try CatalogueQuery("  Lo-Fi\u{3000}Beats ").text == "Lo-Fi Beats")
        #expect(throws: SoundtrackRefusal.invalid("A search cannot contain control characters.")) { try CatalogueQuery("jazz\u{85}") }
        #expect(throws: SoundtrackRefusal.invalid("A search is at most 100 characters.")) {
            try CatalogueQuery(String(repeating: "x", count: 101))
        }
    }
}
