import Foundation
import Testing

@testable import Domain

@Suite("Library and playlist rules")
struct LibraryRulesTests {
    func refusal(_ bytes: [UInt8]) -> SoundtrackRefusal? {
        do {
            _ = try LibraryRules.check(bytes)
            return nil
        } catch { return error }
    }

    @Test func filesThatAreNotLibraryAudioAreRefusedBeforeAnyProbe() {
        #expect(refusal([]) == .badAudio("The file is empty (0 bytes). Choose an audio file."))
        #expect(refusal(Array("<html><script>x</script></html>".utf8))?.message.contains("not MP3") == true)
        #expect(refusal([UInt8](repeating: 0, count: LibraryRules.maxBytes + 1)) == .tooLarge(LibraryRules.tooLargeMessage))
        // A WAV header is audio the journal takes, not the library.
        let wav = Array("RIFF".utf8) + [36, 0, 0, 0] + Array("WAVE".utf8)
        #expect(refusal(wav)?.message.contains("WAV audio; the library takes") == true)
        // FLAC's marker with nothing after it is cut short.
        #expect(refusal(Array("fLaC".utf8) + [0x80, 0, 0, 34]) == .badAudio(AudioDefect.truncated.message))
    }

    @Test func durationsAreBounded() throws {
        #expect(try LibraryRules.seconds(0.4) == 1)
        #expect(try LibraryRules.seconds(185.6) == 186)
        #expect(throws: SoundtrackRefusal.self) { try LibraryRules.seconds(0) }
        #expect(throws: SoundtrackRefusal.self) { try LibraryRules.seconds(.nan) }
        #expect(throws: SoundtrackRefusal.self) { try LibraryRules.seconds(3 * 3600 + 2) }
        #expect(LibraryRules.fileExtension(.ogg, codec: "opus") == "opus")
        #expect(LibraryRules.fileExtension(.ogg, codec: "vorbis") == "ogg")
        #expect(LibraryRules.fileExtension(.mp4, codec: "aac") == "m4a")
    }

    @Test func tagsAreCleanedTypedTextWinsAndTheFileNameIsTheLastResort() {
        let tags = ["title": "Rain\u{202E}\u{0007} on\n the roof", "artist": "<script>x</script>", "album": "  "]
        let fromTags = TrackTags(typed: ("", "", ""), tags: tags, fileName: "a.mp3")
        #expect(fromTags == TrackTags(typed: ("Rain on the roof", "<script>x</script>", ""), tags: [:], fileName: ""))
        #expect(fromTags.album == nil)
        #expect(TrackTags(typed: (" Mine ", "", "Album"), tags: tags, fileName: "").title == "Mine")
        #expect(TrackTags(typed: ("", "", ""), tags: [:], fileName: "/x/02 - Deep_focus.flac").title == "02 - Deep focus")
        #expect(TrackTags(typed: ("", "", ""), tags: [:], fileName: ".flac").title == "Untitled track")
        #expect(TrackTags.clean(String(repeating: "é", count: 300)).count == TrackTags.maxLength)
    }

    @Test func playlistNamesAreOneLineAndBounded() throws {
        #expect(try PlaylistName.clean("  Deep \n work ") == "Deep work")
        #expect(throws: SoundtrackRefusal.self) { try PlaylistName.clean(" \t ") }
        #expect(throws: SoundtrackRefusal.self) { try PlaylistName.clean(String(repeating: "x", count: 101)) }
        #expect(throws: SoundtrackRefusal.self) { try PlaylistName.clean("a\u{202E}b") }
        #expect(try PlaylistName.clean("<script>") == "<script>")
    }

    @Test func aTrackMovesToAPlaceClampedIntoTheList() throws {
        let order = ["a", "b", "c", "d"]
        #expect(PlaylistPosition.move("a", to: 2, in: order) == ["b", "a", "c", "d"])
        #expect(PlaylistPosition.move("d", to: 1, in: order) == ["d", "a", "b", "c"])
        #expect(PlaylistPosition.move("b", to: 99, in: order) == ["a", "c", "d", "b"])
        #expect(PlaylistPosition.move("x", to: 1, in: order) == nil)
        #expect(try PlaylistPosition.parse("3") == 3)
        for bad in ["0", "-1", "1e3", "0x10", "", "99999", " 2"] {
            #expect(throws: SoundtrackRefusal.self) { try PlaylistPosition.parse(bad) }
        }
    }

    @Test func durationsReadAsClockTimes() {
        #expect(TrackDuration.text(0) == "–")
        #expect(TrackDuration.text(7) == "0:07")
        #expect(TrackDuration.text(187) == "3:07")
        #expect(TrackDuration.text(3723) == "1:02:03")
    }
}
