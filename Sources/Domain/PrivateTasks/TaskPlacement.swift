/// Reordering a list's open tasks: one task placed just before or just after another of the same
/// list. The up/down buttons (no JavaScript) and drag-and-drop (tasks.js) post the same request.
public enum TaskPlacement: Sendable, Equatable {
    case before(String)
    case after(String)

    public var target: String {
        switch self {
        case .before(let id), .after(let id): return id
        }
    }

    /// The new order of `order` (open task ids, first to last) with `moved` placed next to its
    /// target; nil when either is not in `order` (the caller tells a foreign id from another list's).
    /// Placing a task next to itself leaves the order as it was.
    public func apply(moving moved: String, in order: [String]) -> [String]? {
        guard order.contains(moved), order.contains(target) else { return nil }
        if moved == target { return order }
        var rest = order.filter { $0 != moved }
        let at = rest.firstIndex(of: target)!
        switch self {
        case .before: rest.insert(moved, at: at)
        case .after: rest.insert(moved, at: at + 1)
        }
        return rest
    }
}
