import Web

/// state.json's `soundtrack`: what plays now (`SoundtrackNowJSON`) with the queue around it: the
/// tracks up next, the latest played, guests' proposals, each with who added it, and the
/// totals (the lists are bounded, `SoundtrackLimits`).
struct SoundtrackStateJSON: Encodable {
    struct Entry: Encodable, Sendable {
        let entry: String
        let trackID: String
        let title: String
        let artist: String
        @NullWhenAbsent var album: String?
        let durationMs: Int
        let source: String
        let addedBy: String

        enum CodingKeys: String, CodingKey {
            case entry, title, artist, album, source
            case trackID = "track_id"
            case durationMs = "duration_ms"
            case addedBy = "added_by"
        }
    }

    let now: SoundtrackNowJSON
    @NullWhenAbsent var current: Entry?
    let upNext: [Entry]
    let upNextTotal: Int
    let history: [Entry]
    let historyTotal: Int
    let proposed: [Entry]
    let proposedTotal: Int
    let proposalsAllowed: Bool

    enum CodingKeys: String, CodingKey {
        case now, current, history, proposed
        case upNext = "up_next"
        case upNextTotal = "up_next_total"
        case historyTotal = "history_total"
        case proposedTotal = "proposed_total"
        case proposalsAllowed = "proposals_allowed"
    }
}
