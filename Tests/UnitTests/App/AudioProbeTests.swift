import Domain
import Testing

@testable import App

/// How ffprobe's answer about a voice note is read (App `AudioProbe.read`); the HTTP tests run the
/// real ffprobe on real recordings.
@Suite("Reading ffprobe's answer")
struct AudioProbeTests {
    @Test func theDurationIsTheEndOfTheLastPacket() throws {
        let text = """
            packet|stream_index=0|pts_time=0.000000|duration_time=0.020000
            packet|stream_index=0|pts_time=3.980000|duration_time=0.020000
            packet|stream_index=0|pts_time=2.000000|duration_time=0.020000
            stream|index=0|codec_name=opus|codec_type=audio
            """
        let result = try AudioProbe.read(text, format: .webm)
        #expect(result.codec == "opus" && abs(result.seconds - 4.0) < 1e-9)
    }

    @Test func refusesVideoOtherCodecsAndSilence() throws {
        let video = """
            stream|index=0|codec_name=h264|codec_type=video
            stream|index=1|codec_name=aac|codec_type=audio
            packet|stream_index=1|pts_time=0.0|duration_time=1.0
            """
        #expect(throws: JournalRefusal.self) { try AudioProbe.read(video, format: .mp4) }
        let flac = "stream|index=0|codec_name=flac|codec_type=audio\npacket|stream_index=0|pts_time=0.0|duration_time=1.0\n"
        #expect(throws: JournalRefusal.self) { try AudioProbe.read(flac, format: .ogg) }
        #expect(throws: JournalRefusal.self) { try AudioProbe.read("stream|index=0|codec_name=mp3|codec_type=audio\n", format: .mp3) }
        #expect(throws: JournalRefusal.self) { try AudioProbe.read("", format: .wav) }
        #expect(try AudioProbe.read(flac.replacingOccurrences(of: "flac", with: "pcm_s16le"), format: .wav).seconds == 1.0)
    }

    @Test func everyKindNamesItsOwnDemuxer() {
        #expect(AudioFormat.allCases.map(AudioProbe.demuxer) == ["matroska", "ogg", "mov", "mp3", "wav", "flac"])
    }
}
