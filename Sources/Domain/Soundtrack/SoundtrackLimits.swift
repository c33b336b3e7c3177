/// The sizes a room's soundtrack keeps to, so a page, a poll answer and a snapshot stay bounded
/// in a room of any size.
public enum SoundtrackLimits {
    /// Entries up next and proposed, together.
    public static let queue = 200
    /// Entries up next a page lists ("and N more" after).
    public static let upNextShown = 50
    /// Played entries a page lists, newest first.
    public static let historyShown = 20
    /// Proposals a page lists.
    public static let proposalsShown = 50
    /// Proposals one guest may have waiting.
    public static let pendingPerGuest = 10
    /// Liked songs queued at once (the contract route's `liked=1`).
    public static let liked = 50
    /// DJs in one room besides the host.
    public static let djs = 10
}
