import Foundation

/// A room's playback as the server keeps it (seed 001's Room.isPlaying, position, updatedAt):
/// the position is `positionMs + (now − updatedAt)` while playing, never ticked, so every
/// responder, the sweeper and every late joiner compute the same answer from the same row.
public struct Playback: Sendable, Equatable {
    public var isPlaying: Bool
    /// Where the track was at `updatedAt`, in milliseconds.
    public var positionMs: Int
    public var updatedAt: Date
    /// The current track's length; 0 when nothing is current.
    public var durationMs: Int

    public init(isPlaying: Bool, positionMs: Int, updatedAt: Date, durationMs: Int) {
        self.isPlaying = isPlaying
        self.positionMs = positionMs
        self.updatedAt = updatedAt
        self.durationMs = durationMs
    }

    /// The position at `now`, within 0…duration.
    public func position(at now: Date) -> Int {
        guard isPlaying else { return min(max(positionMs, 0), durationMs) }
        let elapsed = Int((now.timeIntervalSince(updatedAt) * 1000).rounded(.down))
        return min(max(positionMs + max(elapsed, 0), 0), durationMs)
    }

    /// When the current track ends if it keeps playing; nil while paused.
    public var endsAt: Date? {
        guard isPlaying else { return nil }
        return updatedAt.addingTimeInterval(Double(max(durationMs - positionMs, 0)) / 1000)
    }

    public func hasEnded(at now: Date) -> Bool { durationMs > 0 && isPlaying && position(at: now) >= durationMs }
}
