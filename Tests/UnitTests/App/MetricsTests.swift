import Foundation
import Testing
import Web

@testable import App

@Suite("Metrics")
struct MetricsTests {
    /// Eight threads adding at once lose nothing: the counters are what a scrape sums up.
    @Test func countersAddUpAcrossThreads() {
        let metrics = RequestMetrics(routes: [("GET", "/a"), ("GET", "/b")])
        let threads = 8
        let each = 20_000
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for i in 0..<each { metrics.record(route: thread % 2, status: i % 3 == 0 ? 404 : 200, micros: UInt64(i % 4_000)) }
        }
        let totals = metrics.totals()
        #expect(totals.map(\.pattern) == ["/a", "/b"])
        for route in totals {
            #expect(route.count == UInt64(threads / 2 * each))
            #expect(route.byStatus.map(\.count).reduce(0, +) == route.count)
            #expect(route.cumulative.last?.bound == "+Inf" && route.cumulative.last?.count == route.count)
        }
    }

    @Test func unknownRoutesAndStatusesHaveSlotsOfTheirOwn() {
        let metrics = RequestMetrics(routes: [("GET", "/a")])
        metrics.record(route: nil, status: 404, micros: 10)
        metrics.record(route: 7, status: 418, micros: 40_000_000)
        let unmatched = metrics.totals().first { $0.pattern == RequestMetrics.unmatchedPattern }
        #expect(unmatched?.byStatus.map(\.status) == ["404", "other"])
        #expect(unmatched?.cumulative.first?.count == 1)  // 10 µs: the first bucket
        #expect(unmatched?.cumulative.dropLast().last?.count == 1)  // 40 s: only in +Inf
    }

    @Test func bucketsAreInclusiveUpperBounds() {
        #expect(RequestMetrics.bucket(500) == 0)
        #expect(RequestMetrics.bucket(501) == 1)
        #expect(RequestMetrics.bucket(UInt64.max) == RequestMetrics.bucketBounds.count)
    }

    @Test func labelValuesAreEscaped() {
        var text = MetricsText()
        text.sample("x", ["route": "a\"b\\c\nd"], 1.5)
        #expect(text.text == "x{route=\"a\\\"b\\\\c\\nd\"} 1.5\n")
        #expect(MetricsText.number(3) == "3")
        #expect(MetricsText.number(0.0025) == "0.0025")
    }

    @Test(arguments: [
        ("127.0.0.1", true), ("127.255.0.9", true), ("::1", true), ("0:0:0:0:0:0:0:1", true),
        ("128.0.0.1", false), ("10.0.0.1", false), ("::2", false), ("unix:", false), ("", false), ("127.0.0.1.evil", false),
        ("127.0.0.256", false),
    ])
    func loopbackAddresses(address: String, local: Bool) {
        #expect(MetricsAccess.isLoopback(address) == local)
    }

    @Test func onlyTheRightTokenOpensItFromElsewhere() throws {
        let token = String(repeating: "t", count: 40)
        let digest = try #require(try Config.metricsToken(["POMOPOMO_METRICS_TOKEN": token]))
        func request(_ authorization: String?, from address: String = "203.0.113.9") throws -> Request {
            var params = ["REQUEST_METHOD": "GET", "REQUEST_URI": "/metrics", "REMOTE_ADDR": address]
            params["HTTP_AUTHORIZATION"] = authorization
            return try Request(cgi: params, body: [], requestID: "t")
        }
        #expect(MetricsAccess.allows(try request("Bearer " + token), tokenDigest: digest))
        #expect(!MetricsAccess.allows(try request("Bearer " + token + "x"), tokenDigest: digest))
        #expect(!MetricsAccess.allows(try request(token), tokenDigest: digest))
        #expect(!MetricsAccess.allows(try request(nil), tokenDigest: digest))
        #expect(!MetricsAccess.allows(try request("Bearer " + token), tokenDigest: nil))
        #expect(MetricsAccess.allows(try request(nil, from: "::ffff:127.0.0.1"), tokenDigest: nil))
        #expect(throws: Config.Problem.self) { try Config.metricsToken(["POMOPOMO_METRICS_TOKEN": "short"]) }
    }
}
