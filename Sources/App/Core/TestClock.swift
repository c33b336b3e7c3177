import Foundation
import Web

/// The time a request acts at. Debug builds (what `make test` runs) let a test name the instant
/// with `X-Pomopomo-Test-Now: <unix seconds>`, so DST nights and skipped days of 2011 can be
/// tried through the HTTP API; release builds compile the header out, so no configuration can
/// turn it on in production.
enum TestClock {
    static func now(for request: Request) -> Date {
        #if DEBUG
        if let text = request.testNow, text.count <= 20, let seconds = Double(text), seconds.isFinite,
            seconds > 0, seconds < 8_000_000_000
        {
            return Date(timeIntervalSince1970: seconds)
        }
        #endif
        return Date()
    }

    /// Whether this build honours the header (the debug-only routes ask too).
    static var isAvailable: Bool {
        #if DEBUG
        return true
        #else
        return false
        #endif
    }
}

extension RequestContext {
    /// Now, for this request: the wall clock, or a test's instant in debug builds.
    var now: Date { TestClock.now(for: request) }
}
