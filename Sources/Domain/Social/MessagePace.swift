import Foundation

/// How fast one person may send direct messages, whoever they write to: at most 30 a minute;
/// more than 8 within 10 seconds (a burst, as in room chat) mutes them from direct messages for
/// 10 minutes. Not shadow-hidden: the sender is told until when.
public enum MessagePace {
    public static let perMinute = 30
    public static let burst = 8
    public static let burstSeconds = 10
    public static let muteSeconds = 600

    public enum Verdict: Equatable, Sendable {
        case send
        /// Over the minute's limit: wait this many seconds.
        case wait(Int)
        /// This message makes a burst: refuse it and mute the sender.
        case mute
    }

    /// The verdict on one more message, given how many the sender sent in the last minute and
    /// in the last `burstSeconds`, and how long ago the oldest of the minute's was sent.
    public static func verdict(lastMinute: Int, lastBurst: Int, oldestAgo: Double) -> Verdict {
        if lastBurst >= burst { return .mute }
        if lastMinute >= perMinute { return .wait(max(1, Int((60 - oldestAgo).rounded(.up)))) }
        return .send
    }

    /// "14:06" for seconds since 1970, in UTC, rounded up to the minute (trying at the minute
    /// said must work).
    public static func clock(_ at: Double) -> String {
        let minutes = Int((at / 60).rounded(.up))
        let minutesOfDay = ((minutes % 1440) + 1440) % 1440
        return String(format: "%02d:%02d", minutesOfDay / 60, minutesOfDay % 60)
    }
}
