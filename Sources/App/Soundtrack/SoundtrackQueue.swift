import Domain

/// A room's queue of tracks as loaded with its snapshot, bounded whatever the queue's length
/// (`SoundtrackLimits`): the current entry, the next ones, the latest played, the proposals, and
/// how many there are of each.
struct SoundtrackQueue: Sendable {
    struct Entry: Sendable {
        let id: String
        let status: QueueEntryStatus
        let track: Track
        /// The name of whoever added or proposed it, as it was then.
        let addedBy: String
        let addedByParticipant: String?
    }

    /// Playing or paused now (the rooms row names it).
    var current: Entry?
    /// Up next after the current one, in play order.
    var upNext: [Entry] = []
    var upNextTotal = 0
    /// Played, newest first.
    var history: [Entry] = []
    var historyTotal = 0
    /// Guests' proposals, oldest first.
    var proposed: [Entry] = []
    var proposedTotal = 0

    var durationMs: Int { (current?.track.durationSeconds ?? 0) * 1000 }
}
