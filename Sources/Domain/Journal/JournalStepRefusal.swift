/// Why a step cannot follow from where a session is: the words a refused pause, resume, complete
/// or end shows (409), so every way into the flow says the same thing.
public enum JournalStepRefusal {
    /// The refusal for `step` on a session that is `status`; nil when the step is allowed
    /// (`JournalSessionStatus.after` decides).
    public static func refusal(_ step: JournalStep, from status: JournalSessionStatus) -> JournalRefusal? {
        guard status.after(step) == nil else { return nil }
        switch status {
        case .completed:
            return .outOfOrder(
                step == .complete ? "This session is already completed." : "This session is completed, so it can no longer be \(done(step)).")
        case .abandoned:
            return .outOfOrder(step == .end ? "This session has already ended." : "This session has ended, so it can no longer be \(done(step)).")
        case .interrupted: return .outOfOrder("This session is already paused.")
        case .running: return .outOfOrder("This session is not paused, so there is nothing to resume.")
        }
    }

    private static func done(_ step: JournalStep) -> String {
        switch step {
        case .pause: return "paused"
        case .resume: return "resumed"
        case .complete: return "completed"
        case .end: return "ended"
        }
    }
}
