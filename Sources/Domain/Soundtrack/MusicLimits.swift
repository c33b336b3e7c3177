/// How much an account's music may hold, and how much a page shows at once. Lengths are in
/// characters as people see them (a playlist's name matches the column's CHECK).
public enum MusicLimits {
    public static let playlistNameLength = 100
    /// Playlists per account.
    public static let playlists = 100
    /// Tracks in one playlist: "play this playlist in the room" queues all of them.
    public static let tracksPerPlaylist = 500
    /// Liked songs per account (the room queues the latest 50 of them).
    public static let likedTracks = 5000
    /// Rows on one page of the library or the liked songs (`?page=N` for the next ones).
    public static let pageSize = 100
}
