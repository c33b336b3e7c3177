/// Requests this process answered, by route (its pattern, never the path asked for) and status,
/// and how long each took from its first byte to its answer, as a histogram per route. Every
/// answer is recorded here once, by the thread that sends it (`Responder.finish`, the live hub
/// for parked polls), with three lock-free additions.
final class RequestMetrics: Sendable {
    /// Method and pattern of each route, by `Router.Route.index`; one more slot, "unmatched",
    /// counts requests no route takes (no such address: 404; a wrong method: 405).
    let routes: [(method: String, pattern: String)]
    /// The statuses the app answers with, each counted apart; anything else lands in "other".
    static let statuses = [200, 204, 301, 302, 303, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 502, 503, 504]
    /// Upper bounds of the latency buckets, in microseconds (0.5 ms … 30 s; long-polls wait up to
    /// the poll hold, 25 s by default); one more bucket holds everything slower.
    static let bucketBounds: [UInt64] = [
        500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000,
        30_000_000,
    ]

    static let unmatchedPattern = "unmatched"
    private static let statusSlots = statuses.count + 1
    private static let bucketSlots = bucketBounds.count + 1
    private let answered: AtomicCounters
    private let buckets: AtomicCounters
    private let microseconds: AtomicCounters

    init(routes: [(method: String, pattern: String)]) {
        self.routes = routes + [("", Self.unmatchedPattern)]
        answered = AtomicCounters(count: self.routes.count * Self.statusSlots)
        buckets = AtomicCounters(count: self.routes.count * Self.bucketSlots)
        microseconds = AtomicCounters(count: self.routes.count)
    }

    /// The pattern a route is counted and logged under ("unmatched" for nil).
    func pattern(_ route: Int?) -> String {
        guard let route, route < unmatched else { return Self.unmatchedPattern }
        return routes[route].pattern
    }

    /// The slot of requests no route matched.
    var unmatched: Int { routes.count - 1 }

    /// One answer: `route` is the matched route's index, or nil when none matched.
    func record(route: Int?, status: Int, micros: UInt64) {
        let route = route.map { $0 < unmatched ? $0 : unmatched } ?? unmatched
        answered.add(route * Self.statusSlots + Self.statusSlot(status))
        buckets.add(route * Self.bucketSlots + Self.bucket(micros))
        microseconds.add(route, micros)
    }

    static func statusSlot(_ status: Int) -> Int {
        statuses.firstIndex(of: status) ?? statuses.count
    }

    static func bucket(_ micros: UInt64) -> Int {
        bucketBounds.firstIndex { micros <= $0 } ?? bucketBounds.count
    }

    /// What has been recorded for one route so far (a consistent enough picture for a scrape:
    /// counts taken a moment apart may differ by the requests answered in that moment).
    struct RouteTotals {
        let method: String
        let pattern: String
        /// Count per status label ("200", …, "other"), only those seen.
        let byStatus: [(status: String, count: UInt64)]
        /// Cumulative counts per bucket bound in seconds, ending with +Inf.
        let cumulative: [(bound: String, count: UInt64)]
        let seconds: Double
        let count: UInt64
    }

    /// Every route that has answered at least once.
    func totals() -> [RouteTotals] {
        var out: [RouteTotals] = []
        for (route, label) in routes.enumerated() {
            var byStatus: [(String, UInt64)] = []
            for slot in 0..<Self.statusSlots {
                let count = answered[route * Self.statusSlots + slot]
                if count > 0 { byStatus.append((slot < Self.statuses.count ? String(Self.statuses[slot]) : "other", count)) }
            }
            if byStatus.isEmpty { continue }
            var running: UInt64 = 0
            var cumulative: [(String, UInt64)] = []
            for slot in 0..<Self.bucketSlots {
                running += buckets[route * Self.bucketSlots + slot]
                let bound = slot < Self.bucketBounds.count ? MetricsText.number(Double(Self.bucketBounds[slot]) / 1_000_000) : "+Inf"
                cumulative.append((bound, running))
            }
            out.append(
                RouteTotals(
                    method: label.method, pattern: label.pattern, byStatus: byStatus, cumulative: cumulative,
                    seconds: Double(microseconds[route]) / 1_000_000, count: running))
        }
        return out
    }
}
