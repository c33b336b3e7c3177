import Domain
import Foundation
import Postgres

/// A room's soundtrack playback and settings as loaded with the room (`rooms.sound_*`). Like the
/// timer, times are kept relative to the load (measured by the database), so responders whose
/// clocks differ compute the same position.
struct RoomSound: Sendable {
    let isPlaying: Bool
    /// The queue entry playing or paused; nil when the room is silent.
    let entryID: String?
    /// Where the track was when the playback was last set…
    let positionMs: Int
    /// … and how long before the load that was.
    let msSinceSetAtLoad: Double
    /// The moment it was set, in microseconds on the database's clock: names one playback write,
    /// so a browser can tell a seek (a new stamp) from a position that merely moved on.
    let stamp: String
    /// The same moment in UTC, ISO 8601 (the seed's updatedAt, for state.json).
    let setAt: String
    let mode: SoundtrackMode
    /// Whether guests may propose tracks.
    let proposalsAllowed: Bool

    /// The columns `init(row:offset:)` reads, in its order, for `rooms r`.
    static let columns = """
        r.sound_playing, r.sound_entry_id, r.sound_position_ms, (extract(epoch FROM now() - r.sound_updated_at) * 1000)::float8,
        (extract(epoch FROM r.sound_updated_at) * 1000000)::bigint, r.sound_mode, r.sound_proposals,
        to_char(r.sound_updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        """
    static let columnCount = 8

    init(row: PostgresRow, offset: Int) {
        isPlaying = row.bool(offset)
        entryID = row[offset + 1]
        positionMs = row.int(offset + 2)
        msSinceSetAtLoad = Double(row.string(offset + 3)) ?? 0
        stamp = row.string(offset + 4)
        mode = SoundtrackMode(stored: row.string(offset + 5))
        proposalsAllowed = row.bool(offset + 6)
        setAt = row.string(offset + 7)
    }

    /// The playback at `now`, `age` seconds after the load (Domain `Playback` does the maths).
    func playback(durationMs: Int, age: Double, now: Date) -> Playback {
        Playback(
            isPlaying: isPlaying && entryID != nil, positionMs: positionMs,
            updatedAt: now.addingTimeInterval(-(msSinceSetAtLoad / 1000 + age)), durationMs: durationMs)
    }
}
