/// Which of a catalogue video's streams a room plays. Audio-only before anything with video (a
/// room listens; video costs bandwidth for nothing); the original audio track before a dubbed or
/// described one; AAC in MP4 before WebM/Opus (AAC plays in every browser, Safari included);
/// then the highest bitrate up to `enough` (transparent for music over room speakers), else the
/// lowest above it. A muxed stream (video with sound) only when there is no audio-only one;
/// video-only streams never.
public enum AudioStreamChoice {
    /// 160 kbit/s: YouTube's AAC is 128k, its Opus up to 160k; more only costs the listener.
    public static let enough = 160_000

    public struct Candidate: Sendable, Equatable {
        public let url: String
        public let mimeType: String
        /// Bits per second; 0 when the instance does not say.
        public let bitrate: Int
        public let videoOnly: Bool
        /// Piped's audioTrackType (ORIGINAL, DUBBED, DESCRIPTIVE…); nil for a single audio track.
        public let audioTrackType: String?

        public init(url: String, mimeType: String, bitrate: Int, videoOnly: Bool, audioTrackType: String?) {
            self.url = url
            self.mimeType = mimeType
            self.bitrate = bitrate
            self.videoOnly = videoOnly
            self.audioTrackType = audioTrackType
        }

        var isOriginal: Bool { audioTrackType == nil || audioTrackType?.uppercased() == "ORIGINAL" }
        var isMP4: Bool { mimeType.lowercased().hasPrefix("audio/mp4") || mimeType.lowercased().hasPrefix("video/mp4") }
    }

    public static func best(audio: [Candidate], muxed: [Candidate]) -> Candidate? {
        let audioOnly = audio.filter { !$0.videoOnly && $0.mimeType.lowercased().hasPrefix("audio/") }
        if let pick = preferred(audioOnly) { return pick }
        // Muxed: the smallest one with sound does the job.
        return muxed.filter { !$0.videoOnly }.min { a, b in
            (a.isOriginal ? 0 : 1, a.bitrate) < (b.isOriginal ? 0 : 1, b.bitrate)
        }
    }

    private static func preferred(_ streams: [Candidate]) -> Candidate? {
        streams.min { a, b in rank(a) < rank(b) }
    }

    /// Smaller is better: (not original, not MP4, above `enough`, distance from `enough`).
    private static func rank(_ c: Candidate) -> (Int, Int, Int, Int) {
        let over = c.bitrate > enough
        return (c.isOriginal ? 0 : 1, c.isMP4 ? 0 : 1, over ? 1 : 0, over ? c.bitrate - enough : enough - c.bitrate)
    }
}
