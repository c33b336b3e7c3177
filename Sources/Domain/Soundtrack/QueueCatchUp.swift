/// What happened to the queue while a track ended with nobody acting: the sweeper (or the next
/// change to the room) finds the current track over by `overrunMs`, and the tracks up next
/// played one after another since its end, however late the sweeper is, as the room timer's
/// segments do.
public struct QueueCatchUp: Sendable, Equatable {
    /// How many of the tracks up next also ran to their end (they go to history too).
    public let finished: Int
    /// The index (in the list given) of the track playing now, nil when the queue ran out.
    public let current: Int?
    /// Where that track is now.
    public let positionMs: Int

    public init(overrunMs: Int, nextDurationsMs: [Int]) {
        var left = max(overrunMs, 0)
        var index = 0
        while index < nextDurationsMs.count, left >= nextDurationsMs[index] {
            left -= nextDurationsMs[index]
            index += 1
        }
        finished = index
        current = index < nextDurationsMs.count ? index : nil
        positionMs = current == nil ? 0 : left
    }
}
