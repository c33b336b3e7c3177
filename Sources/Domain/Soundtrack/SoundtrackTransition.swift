/// The rules of the soundtrack's controls, in one pure function: what each does from each state,
/// or why it is refused. Seek and skip name the entry the person saw (like the timer's `at`), so
/// a click made just before the track changed does not skip or move the next one.
public enum SoundtrackTransition {
    /// The playback as the controls see it.
    public struct State: Sendable, Equatable {
        /// The queue entry playing or paused now; nil when the room is silent.
        public var currentEntry: String?
        public var isPlaying: Bool
        /// Computed now (Domain `Playback`).
        public var positionMs: Int
        public var durationMs: Int
        /// Entries up next besides the current one.
        public var upNextCount: Int

        public init(currentEntry: String?, isPlaying: Bool, positionMs: Int, durationMs: Int, upNextCount: Int) {
            self.currentEntry = currentEntry
            self.isPlaying = isPlaying
            self.positionMs = positionMs
            self.durationMs = durationMs
            self.upNextCount = upNextCount
        }
    }

    public static func of(_ control: SoundtrackControl, seenEntry: String?, from state: State) throws(SoundtrackRefusal) -> SoundtrackEffect {
        switch control {
        case .play:
            guard state.currentEntry != nil else {
                if state.upNextCount == 0 { throw .emptyQueue }
                return .start
            }
            return state.isPlaying ? .nothing : .resume
        case .pause:
            guard state.currentEntry != nil else { throw .conflict("Nothing is playing, so there is nothing to pause.") }
            return state.isPlaying ? .pause(atMs: state.positionMs) : .nothing
        case .seek(let ms):
            guard let current = state.currentEntry else { throw .conflict("Nothing is playing: press Play first, then seek.") }
            try requireSeen(seenEntry, current)
            guard ms >= 0, ms <= state.durationMs else {
                throw .invalid("Seek to a moment between 0:00 and \(SeekPosition.text(state.durationMs)), the length of this track.")
            }
            return .seek(toMs: ms)
        case .skip:
            guard let current = state.currentEntry else {
                if state.upNextCount == 0 { throw .emptyQueue }
                throw .conflict("Nothing is playing yet: press Play to start the queue.")
            }
            try requireSeen(seenEntry, current)
            return .skip(toNext: state.upNextCount > 0)
        }
    }

    private static func requireSeen(_ seen: String?, _ current: String) throws(SoundtrackRefusal) {
        guard seen == current else {
            throw .conflict("The track changed since your page was drawn, so nothing was done. Look at what is playing now and try again.")
        }
    }
}
