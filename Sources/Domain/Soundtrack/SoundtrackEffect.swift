/// What a soundtrack control does to the room's playback (`SoundtrackTransition`), for the store
/// to write.
public enum SoundtrackEffect: Sendable, Equatable {
    /// Already so (play while playing, pause while paused): nothing is written, nobody is woken.
    case nothing
    /// Nothing was current: the first track up next starts from its beginning.
    case start
    /// The paused track plays on from where it stopped.
    case resume
    /// The playing track stops at this position.
    case pause(atMs: Int)
    /// The current track jumps here, playing or paused as it was.
    case seek(toMs: Int)
    /// The current track goes to history; the next one (if `toNext`) starts from its beginning,
    /// playing or paused as the room was, else the room falls silent.
    case skip(toNext: Bool)
}
