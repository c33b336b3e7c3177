import Foundation

/// What keeps a slow or dead Piped instance from taking the site with it, per process: at most
/// `maxCalls` threads wait on the instance at once (the rest of the responder's threads keep
/// serving rooms), and after a failed call the instance is left alone for a short cool-off, so
/// uncached catalogue pages answer at once instead of each waiting out the timeout.
final class CatalogueGate: @unchecked Sendable {
    enum Closed: Equatable {
        /// A recent call failed; try again after this many seconds.
        case coolingOff(seconds: Int)
        /// `maxCalls` calls are already waiting on the instance.
        case busy
    }

    let maxCalls: Int
    private let coolOff: TimeInterval
    private let lock = NSLock()
    private var calls = 0
    private var coolingUntil = Date.distantPast

    init(maxCalls: Int, coolOff: TimeInterval) {
        self.maxCalls = max(1, maxCalls)
        self.coolOff = coolOff
    }

    /// Takes a call slot, or says why not. `now` is the request's clock, so a test can step past
    /// the cool-off; the cool-off itself is set on the wall clock.
    func enter(now: Date) -> Closed? {
        lock.lock()
        defer { lock.unlock() }
        if now < coolingUntil { return .coolingOff(seconds: max(1, Int(coolingUntil.timeIntervalSince(now).rounded(.up)))) }
        guard calls < maxCalls else { return .busy }
        calls += 1
        return nil
    }

    /// Gives the slot back: a fault of the instance starts a cool-off, an answer ends one.
    func leave(instanceFault: Bool) {
        lock.lock()
        defer { lock.unlock() }
        calls -= 1
        coolingUntil = instanceFault ? Date().addingTimeInterval(coolOff) : .distantPast
    }

    /// True while a cool-off runs (for /readyz).
    var isCoolingOff: Bool {
        lock.lock()
        defer { lock.unlock() }
        return Date() < coolingUntil
    }
}
