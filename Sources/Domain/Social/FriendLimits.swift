import Foundation

/// The limits on friend requests (issue 12): 20 a day per sender, 100 waiting, and a declined
/// request not repeated for 30 days. The store counts in PostgreSQL under a lock on the sender
/// and asks `refusal` what the counts mean, so the rule lives here and is tested alone.
public enum FriendLimits {
    public static let perDay = 20
    public static let dayWindow: TimeInterval = 86_400
    public static let pendingMax = 100
    public static let declinedPauseDays = 30
    public static let declinedPause: TimeInterval = Double(declinedPauseDays) * 86_400
    /// Waiting requests have no end date: come back in an hour.
    public static let pendingRetryAfter = 3600

    /// What the sender's history says about one more request to the same person, or nil.
    /// - `recent`: when the sender's requests of the last 24 hours were made (any order).
    /// - `pending`: how many of theirs wait for an answer.
    /// - `declinedAt`: when this person last declined a request from the sender, if ever.
    public static func refusal(recent: [Date], pending: Int, declinedAt: Date?, now: Date) -> FriendRefusal? {
        if let declinedAt, now.timeIntervalSince(declinedAt) < declinedPause {
            return .declinedRecently(retryAfter: wait(until: declinedAt.addingTimeInterval(declinedPause), now: now))
        }
        if pending >= pendingMax { return .tooManyPending }
        let inWindow = recent.filter { now.timeIntervalSince($0) < dayWindow }.sorted(by: >)
        if inWindow.count >= perDay {
            // One more is allowed once all but perDay - 1 of them are older than a day.
            let freeing = inWindow[perDay - 1]
            return .tooManyToday(retryAfter: wait(until: freeing.addingTimeInterval(dayWindow), now: now))
        }
        return nil
    }

    /// Whole seconds until `date`, at least 1.
    static func wait(until date: Date, now: Date) -> Int { max(1, Int(date.timeIntervalSince(now).rounded(.up))) }

    /// "3 hours", "12 days", "45 minutes" (rounded up).
    public static func words(seconds: Int) -> String {
        func unit(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        if seconds >= 2 * 86_400 { return unit((seconds + 86_399) / 86_400, "day") }
        if seconds >= 2 * 3600 { return unit((seconds + 3599) / 3600, "hour") }
        if seconds >= 60 { return unit((seconds + 59) / 60, "minute") }
        return unit(max(1, seconds), "second")
    }
}
