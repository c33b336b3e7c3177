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
        let segments: [RouteSegment]

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

    public enum Match {
        case found(Route, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    public let routes: [Route]
    /// Route places by segment count and first literal segment (nil: the pattern starts with a
    /// capture), in table order: a request tries only the routes that can fit it, not the whole
    /// table of some 300.
    private let buckets: [BucketKey: [Int]]

    private struct BucketKey: Hashable {
        let count: Int
        let first: Substring?
    }

    public init(_ routes: [Route]) {
        self.routes = routes.enumerated().map { place, route in
            var numbered = route
            numbered.index = place
            return numbered
        }
        var buckets: [BucketKey: [Int]] = [:]
        for route in self.routes {
            var first: Substring? = nil
            if case .literal(let text) = route.segments.first { first = Substring(text) }
            buckets[BucketKey(count: route.segments.count, first: first), default: []].append(route.index)
        }
        self.buckets = buckets
    }

    /// The places of the routes that may fit `parts`, in table order (so the first match wins
    /// as it would scanning the table).
    private func candidates(_ parts: [Substring]) -> [Int] {
        let literal = buckets[BucketKey(count: parts.count, first: parts.first)] ?? []
        let captured = parts.isEmpty ? [] : buckets[BucketKey(count: parts.count, first: nil)] ?? []
        if captured.isEmpty { return literal }
        if literal.isEmpty { return captured }
        return (literal + captured).sorted()
    }

    public func match(method: String, path: String) -> Match {
        // A trailing slash or doubled slash names a different resource: no match.
        if path != "/" && (path.utf8.last == UInt8(ascii: "/") || Self.hasDoubleSlash(path)) { return .notFound }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        let effective = method == "HEAD" ? "GET" : method
        var allowed: [String] = []
        for place in candidates(parts) {
            let route = routes[place]
            guard let parameters = RouteSegment.bind(route.segments, to: parts) else { continue }
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
        return candidates(parts).map { routes[$0] }.filter { RouteSegment.bind($0.segments, to: parts) != nil }
    }

    private static func hasDoubleSlash(_ path: String) -> Bool {
        var previous: UInt8 = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") && previous == byte { return true }
            previous = byte
        }
        return false
    }
}
