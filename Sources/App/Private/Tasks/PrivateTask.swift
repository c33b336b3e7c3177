import Domain

/// One private task as its owner's pages show it.
struct PrivateTask: Sendable {
    let id: String
    let listID: String
    let title: String
    /// Markdown as typed; rendered safe when shown.
    let notes: String
    let due: LocalDate?
    let done: Bool
    /// Moves on every edit: forms carry it, so an edit from a stale tab is refused.
    let version: Int
}
