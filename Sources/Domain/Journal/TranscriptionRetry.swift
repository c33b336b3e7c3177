import Foundation

/// When a voice note whose transcription failed is tried again. An engine that crashed, ran out
/// of time or could not start may do better later (a busy machine, a package being upgraded);
/// after `attempts` tries the note is marked failed for good, so the page stops saying
/// "transcribing…". Words that could not be made out are an answer, not a failure: not retried.
public struct TranscriptionRetry: Sendable, Equatable {
    public let attempts: Int

    public init(attempts: Int) { self.attempts = max(1, attempts) }

    /// The wait after attempt `attempt` (1-based) failed: 30 s, 2 min, 8 min, … (×4 each time,
    /// at most an hour); nil when that was the last attempt.
    public func delay(afterAttempt attempt: Int) -> TimeInterval? {
        guard attempt < attempts else { return nil }
        let step = min(max(attempt - 1, 0), 10)
        return min(30 * pow(4, Double(step)), 3600)
    }
}
