/// The route table: method + path pattern → handler. Patterns are literal segments and
/// `:name` captures, e.g. `/r/:code/poll`; a capture may end in a literal suffix with a dot
/// (`:id.svg` matches `12.svg` and captures `12`).
public struct Router<Handler: Sendable>: Sendable {
    public struct Route: Sendable {
        public let method: String
        public let pattern: String
        public let handler: Handler
        /// Its place in the table: what per-route counters are indexed by (`RequestMetrics`).
        public internal(set) var index = 0
        let segments: [Segment]

        public init(_ method: String, _ pattern: String, _ handler: Handler) {
            self.method = method
            self.pattern = pattern
            self.handler = handler
            segments = pattern.split(separator: "/").map { part in
                guard part.hasPrefix(":") else { return .literal(String(part)) }
                let name = part.dropFirst()
                guard let dot = name.firstIndex(of: ".") else { return .capture(String(name), suffix: "") }
                return .capture(String(name[..<dot]), suffix: String(name[dot...]))
            }
        }
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case capture(String, suffix: String)
    }

    public enum Match {
        case found(Route, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    public let routes: [Route]

    public init(_ routes: [Route]) {
        self.routes = routes.enumerated().map { place, route in
            var numbered = route
            numbered.index = place
            return numbered
        }
    }

    public func match(method: String, path: String) -> Match {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        // A trailing slash or doubled slash names a different resource: no match.
        if path != "/" && (path.hasSuffix("/") || path.contains("//")) { return .notFound }
        let effective = method == "HEAD" ? "GET" : method
        var allowed: [String] = []
        for route in routes {
            guard let parameters = Self.bind(route.segments, to: parts) else { continue }
            if route.method == effective { return .found(route, parameters: parameters) }
            allowed.append(route.method)
        }
        if allowed.isEmpty { return .notFound }
        if allowed.contains("GET") { allowed.append("HEAD") }
        return .methodNotAllowed(allowed: allowed)
    }

    /// Every route whose pattern fits `path`, whatever its method.
    public func routes(matching path: String) -> [Route] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return routes.filter { Self.bind($0.segments, to: parts) != nil }
    }

    static func bind(_ segments: [Segment], to parts: [Substring]) -> [String: String]? {
        guard segments.count == parts.count else { return nil }
        // Literals first: most routes fail there, before anything is allocated.
        for (segment, part) in zip(segments, parts) {
            if case .literal(let text) = segment, text != part { return nil }
        }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let text): if text != part { return nil }
            case .capture(let name, let suffix):
                if suffix.isEmpty {
                    parameters[name] = String(part)
                } else {
                    guard part.count > suffix.count, part.hasSuffix(suffix) else { return nil }
                    parameters[name] = String(part.dropLast(suffix.count))
                }
            }
        }
        return parameters
    }
}
