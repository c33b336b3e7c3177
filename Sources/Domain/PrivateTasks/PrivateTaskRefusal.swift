/// Why a private task or list request was refused. Stores and handlers throw it; `ErrorMapping`
/// gives each case its status.
public enum PrivateTaskRefusal: Error, Sendable, Equatable {
    /// No such task or list, or someone else's: 404, exactly like a missing page.
    case notFound
    /// The input breaks a rule (a length, a date that does not exist, a task from another list,
    /// a non-empty list deleted without confirming): 422.
    case invalid(String)
    /// The task changed in another tab since this form was drawn: 409.
    case stale
    /// A limit (open tasks, lists) is reached: 422, with what was typed kept.
    case full(String)

    public var message: String {
        switch self {
        case .notFound: return "There is no such task or list."
        case .invalid(let text), .full(let text): return text
        case .stale:
            return "This task was changed (in another tab or window) after you opened this form. "
                + "Your text is kept below; reload to see the current version, then edit again."
        }
    }

    /// At `PrivateTaskLimits.openTasks` (1,000).
    public static let tooManyOpen = PrivateTaskRefusal.full(
        "You already have 1,000 open tasks. Complete or delete some before adding or reopening more.")

    /// At `PrivateTaskLimits.lists` (50).
    public static let tooManyLists = PrivateTaskRefusal.full(
        "You already have \(PrivateTaskLimits.lists) lists. Delete one you no longer need first.")
}
