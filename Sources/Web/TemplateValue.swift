/// A value a template can show. In a page, text is always escaped; only `.html` can go out raw,
/// and only through a triple mustache. Plain-text output (mail) escapes nothing.
/// Not `indirect`: the recursion goes through arrays, so a value needs no box of its own, and a
/// page builds hundreds of them.
public enum TemplateValue: Sendable {
    case text(String)
    case html(SafeHTML)
    case bool(Bool)
    case list([TemplateContext])
    case object(TemplateContext)

    var isFalsey: Bool {
        switch self {
        case .bool(let b): return !b
        case .list(let items): return items.isEmpty
        case .text(let s): return s.isEmpty
        case .html(let h): return h.html.isEmpty
        case .object: return false
        }
    }
}
