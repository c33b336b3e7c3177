/// One segment of a route's pattern. Outside the generic `Router`, so matching compiles to plain
/// code in this module instead of generic code the app's specialisation does not reach (the
/// profile showed `zip`'s unspecialised iterator on every request).
enum RouteSegment: Sendable, Equatable {
    case literal(String)
    case capture(String, suffix: String)

    /// The captures of `segments` in `parts`, or nil when they do not fit.
    static func bind(_ segments: [RouteSegment], to parts: [Substring]) -> [String: String]? {
        guard segments.count == parts.count else { return nil }
        // Literals first: most routes fail there, before anything is allocated.
        for index in segments.indices {
            if case .literal(let text) = segments[index], !equal(text, parts[index]) { return nil }
        }
        var parameters: [String: String] = [:]
        for index in segments.indices {
            guard case .capture(let name, let suffix) = segments[index] else { continue }
            let part = parts[index]
            if suffix.isEmpty {
                parameters[name] = String(part)
            } else {
                guard part.count > suffix.count, part.hasSuffix(suffix) else { return nil }
                parameters[name] = String(part.dropLast(suffix.count))
            }
        }
        return parameters
    }

    /// Byte equality: a literal and a path segment are the same resource only when they are the
    /// same bytes (no Unicode equivalence, which `==` between String and Substring would apply).
    private static func equal(_ text: String, _ part: Substring) -> Bool {
        text.utf8.count == part.utf8.count && text.utf8.elementsEqual(part.utf8)
    }
}
